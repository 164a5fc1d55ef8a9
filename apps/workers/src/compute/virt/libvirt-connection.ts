// A long-lived libvirt connection that reopens itself when libvirtd goes away. The binding has no
// keepalive, close callback or virConnectIsAlive, and its errors carry only a message (no code), so
// a failed call is followed by a cheap probe: if the connection no longer answers, it is reopened
// and the call retried once (Nova's libvirt Host reconnects in the same spirit).
import * as libvirt from "@unraid/libvirt";
import type { Logger } from "pino";
import { VirtError } from "./driver";

export type Hypervisor = Pick<
  libvirt.Hypervisor,
  | "connectOpen"
  | "connectClose"
  | "connectGetHostname"
  | "connectListAllDomains"
  | "domainLookupByUUIDString"
  | "domainDefineXML"
  | "domainRestore"
  | "nodeGetInfo"
>;

export type OpenHypervisor = (uri: string) => Promise<Hypervisor>;

async function openHypervisor(uri: string): Promise<Hypervisor> {
  const hypervisor = new libvirt.Hypervisor({ uri });
  await hypervisor.connectOpen();
  return hypervisor;
}

/** libvirt's "no such domain" (VIR_ERR_NO_DOMAIN), recognised by its message: it has no code here. */
export const isDomainNotFound = (err: unknown) =>
  err instanceof Error && /domain not found/i.test(err.message);

export class LibvirtConnection {
  private current: Promise<Hypervisor> | undefined;
  /** Bumped on every reconnect, so callers can drop what they cached about the old connection. */
  generation = 0;

  constructor(
    readonly uri: string,
    private readonly log: Logger,
    private readonly open: OpenHypervisor = openHypervisor,
  ) {}

  private connect(): Promise<Hypervisor> {
    if (!this.current) {
      const opening = this.open(this.uri).catch((err: unknown) => {
        if (this.current === opening) this.current = undefined;
        throw new VirtError("FAILED", `cannot connect to ${this.uri}: ${(err as Error).message}`, {
          cause: err,
        });
      });
      this.current = opening;
    }
    return this.current;
  }

  async init(): Promise<void> {
    await this.connect();
  }

  /**
   * Run fn on the connection. If it fails and the connection turns out dead, reconnect and run fn
   * once more: fn must look its domain up again rather than reuse a handle from before.
   */
  async run<T>(fn: (hypervisor: Hypervisor) => Promise<T>): Promise<T> {
    const used = this.connect();
    const hypervisor = await used;
    try {
      return await fn(hypervisor);
    } catch (err) {
      if (err instanceof VirtError || isDomainNotFound(err) || (await answers(hypervisor))) {
        throw err;
      }
      this.log.warn(
        { uri: this.uri, err: (err as Error).message },
        "libvirt connection lost, reconnecting",
      );
      if (this.current === used) {
        this.current = undefined;
        this.generation++;
        hypervisor.connectClose().catch(() => undefined);
      }
      return fn(await this.connect());
    }
  }

  async close(): Promise<void> {
    const closing = this.current;
    this.current = undefined;
    if (!closing) return;
    const hypervisor = await closing.catch(() => undefined);
    await hypervisor?.connectClose().catch(() => undefined);
  }
}

async function answers(hypervisor: Hypervisor): Promise<boolean> {
  try {
    await hypervisor.connectGetHostname();
    return true;
  } catch {
    return false;
  }
}
