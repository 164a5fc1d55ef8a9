// The libvirt driver: real guests on qemu:///system (TCG or KVM) and fake ones on libvirt's
// test:///default, behind the VirtDriver interface. See README.md beside it for what the binding
// lacks and how each gap is filled.
import * as libvirt from "@unraid/libvirt";
import { mkdir, open, rename, rm, stat, statfs, writeFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { buildDomainXml, domainName, vncDisplayFromXml, type DomainType } from "./domain-xml";
import {
  PowerState,
  VirtError,
  instanceSpecSchema,
  instanceUuidSchema,
  type HostInfo,
  type InstanceSpec,
  type ParsedInstanceSpec,
  type RebootType,
  type VirtDriver,
} from "./driver";
import { readHostFacts, type HostFacts } from "./host-facts";
import { ImageCache, type FetchImage } from "./image-cache";
import { KeyedMutex } from "./keyed-mutex";
import {
  LibvirtConnection,
  isDomainNotFound,
  type Hypervisor,
  type OpenHypervisor,
} from "./libvirt-connection";
import { createOverlay, growQcow2, imageInfo } from "./qemu-img";

const State = libvirt.DomainState;
type Domain = libvirt.Domain;

const GiB = 1024 ** 3;
const POLL_MS = 200;
/** Seconds between presses of the ACPI power button while a clean shutdown waits (Nova: 10). */
const ACPI_RETRY_SEC = 10;
/** Nova's MAX_CONSOLE_BYTES: the console output API returns at most the log's last 100 KiB. */
const MAX_CONSOLE_BYTES = 100 * 1024;
const INSTANCE_NAME = /^instance-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const optionsSchema = z.object({
  /** qemu:///system (or any qemu URI) for real guests, test:///default for the fake hypervisor. */
  uri: z.string().regex(/^(qemu|test)(\+[a-z]+)?:\/\//, "uri must be a qemu:// or test:// URI"),
  /** Nova's [libvirt] virt_type; ignored for test:// URIs, whose domains are type 'test'. */
  virtType: z.enum(["qemu", "kvm"]),
  instancesDir: z.string().min(1),
  imageCacheDir: z.string().min(1),
  vncListen: z.string().min(1),
  fetchImage: z.custom<FetchImage>((v) => typeof v === "function", "fetchImage must be a function"),
  /** This host's address for consoles; defaults to the first non-loopback IPv4 address. */
  hostIp: z.string().min(1).optional(),
  /** Nova's shutdown_timeout: how long powerOff and resize wait for an ACPI shutdown. */
  shutdownTimeoutSec: z.number().nonnegative().default(60),
  /** Nova's [libvirt] wait_soft_reboot_seconds: then a soft reboot becomes a hard one. */
  softRebootTimeoutSec: z.number().nonnegative().default(120),
  logger: z.custom<Logger>().optional(),
  /** Replaces how connections are opened (tests simulate a dying libvirtd with it). */
  openHypervisor: z.custom<OpenHypervisor>((v) => typeof v === "function").optional(),
});
export type LibvirtDriverOptions = z.input<typeof optionsSchema>;

interface DomainStatus {
  state: libvirt.DomainState;
  /** Suspended: shut off with its memory saved in the instance directory. */
  saved: boolean;
}

export class LibvirtDriver implements VirtDriver {
  /**
   * Whether the hypervisor has storage. libvirt's test hypervisor has none, so with a test:// URI
   * the driver fetches no image and creates no disk, and domains get no <disk>: spawn measures the
   * driver and libvirt, not qemu-img. The instance directory (console log, saved memory) exists on
   * both, so every other operation takes the same path.
   */
  readonly hasStorage: boolean;
  private readonly domainType: DomainType;
  private readonly opts: z.output<typeof optionsSchema>;
  private readonly log: Logger;
  private readonly conn: LibvirtConnection;
  private readonly images: ImageCache;
  private readonly locks = new KeyedMutex();
  private facts: { generation: number; value: Promise<HostFacts> } | undefined;

  constructor(options: LibvirtDriverOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new VirtError("INVALID_ARGUMENT", `driver options: ${z.prettifyError(parsed.error)}`);
    }
    this.opts = parsed.data;
    this.log = this.opts.logger ?? pino({ name: "virt", level: "silent" });
    const isTest = this.opts.uri.startsWith("test");
    this.hasStorage = !isTest;
    this.domainType = isTest ? "test" : this.opts.virtType;
    this.conn = new LibvirtConnection(this.opts.uri, this.log, this.opts.openHypervisor);
    this.images = new ImageCache(this.opts.imageCacheDir, this.opts.fetchImage, this.log);
  }

  async init(): Promise<void> {
    await mkdir(this.opts.instancesDir, { recursive: true });
    await this.conn.init();
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  async hostInfo(): Promise<HostInfo> {
    try {
      const [node, hostname, disk, facts] = await Promise.all([
        this.conn.run((h) => h.nodeGetInfo()),
        this.conn.run((h) => h.connectGetHostname()),
        statfs(this.opts.instancesDir),
        this.hostFacts(),
      ]);
      return {
        vcpus: node.cpus,
        memoryMb: Math.floor(node.memory / 1024),
        localGb: Math.floor((disk.blocks * disk.bsize) / GiB),
        freeDiskGb: Math.floor((disk.bavail * disk.bsize) / GiB),
        hypervisorType: this.hasStorage ? "QEMU" : "test",
        hypervisorVersion: facts.hypervisorVersion,
        hypervisorHostname: hostname,
        hostIp: this.opts.hostIp ?? firstIpv4(),
        cpuInfo: {
          arch: facts.cpu.arch ?? node.model,
          model: facts.cpu.model,
          vendor: facts.cpu.vendor,
          topology: {
            cells: node.nodes,
            sockets: node.sockets,
            cores: node.cores,
            threads: node.threads,
          },
          features: facts.cpu.features,
        },
      };
    } catch (err) {
      throw failure(err, "host info");
    }
  }

  private hostFacts(): Promise<HostFacts> {
    const generation = this.conn.generation;
    if (this.facts?.generation !== generation) {
      const value = readHostFacts(this.opts.uri);
      // A failure is not cached: the next call asks again.
      value.catch(() => {
        if (this.facts?.value === value) this.facts = undefined;
      });
      this.facts = { generation, value };
    }
    return this.facts.value;
  }

  async listInstances(): Promise<Array<{ uuid: string; powerState: PowerState }>> {
    try {
      const found = await this.conn.run(async (h) => {
        const domains = await h.connectListAllDomains();
        const rows = await Promise.all(
          domains.map(async (d) => {
            // getName is answered from the handle; only getInfo is a round trip.
            const uuid = INSTANCE_NAME.exec(await d.getName())?.[1];
            if (!uuid) return null;
            try {
              return { uuid, state: (await d.getInfo()).state };
            } catch (err) {
              if (isDomainNotFound(err)) return null; // undefined since the listing
              throw err;
            }
          }),
        );
        return rows.filter((r) => r !== null);
      });
      return Promise.all(
        found.map(async ({ uuid, state }) => ({
          uuid,
          powerState: toPowerState({ state, saved: await this.isSaved(uuid, state) }),
        })),
      );
    } catch (err) {
      throw failure(err, "list instances");
    }
  }

  async spawn(input: InstanceSpec): Promise<void> {
    const spec = parseSpec(input);
    return this.act(spec.uuid, "spawn", async (uuid) => {
      const current = await this.status(uuid);
      if (current) {
        // A retried build: the domain exists, so only make sure it runs.
        if (current.state === State.SHUTOFF && !current.saved) await this.start(uuid);
        return;
      }
      try {
        const t0 = performance.now();
        await this.prepareInstanceDir(spec);
        const t1 = performance.now();
        await this.conn.run(async (h) => {
          const domain = await h.domainDefineXML(this.domainXml(spec));
          await domain.create();
        });
        // libvirt's own share of the build (define + start) beside ours (directory, disk), so
        // the boot path's overhead can be told from the hypervisor's (benchmark P6 reads it).
        const ms = (x: number) => Math.round(x * 10) / 10;
        this.log.info(
          { uuid, prepareMs: ms(t1 - t0), defineStartMs: ms(performance.now() - t1) },
          "spawned",
        );
      } catch (err) {
        // Leave nothing behind: the manager reschedules a failed build to another host.
        await this.remove(uuid).catch((cleanup: unknown) =>
          this.log.warn({ uuid, err: (cleanup as Error).message }, "cleanup after failed spawn"),
        );
        throw err;
      }
    });
  }

  destroy(uuid: string): Promise<void> {
    return this.act(uuid, "destroy", (id) => this.remove(id));
  }

  powerOff(uuid: string, opts: { timeoutSec?: number } = {}): Promise<void> {
    const timeoutSec = opts.timeoutSec ?? this.opts.shutdownTimeoutSec;
    return this.act(uuid, "power off", async (id) => {
      await this.require(id);
      // Powering off a suspended instance drops its saved memory, as a stop would.
      await rm(this.paths(id).memory, { force: true });
      await this.cleanShutdown(id, timeoutSec);
    });
  }

  powerOn(uuid: string): Promise<void> {
    return this.act(uuid, "power on", async (id) => {
      const { state, saved } = await this.require(id);
      if (saved) await this.restore(id);
      else if (state === State.SHUTOFF) await this.start(id);
    });
  }

  async reboot(uuid: string, type: RebootType, input?: InstanceSpec): Promise<void> {
    const spec = input && parseSpec(input);
    return this.act(uuid, `reboot ${type}`, async (id) => {
      if (spec && spec.uuid !== id) {
        throw new VirtError("INVALID_ARGUMENT", `the spec is for ${spec.uuid}, not ${id}`);
      }
      if (type === "SOFT" && (await this.softReboot(id))) return;
      await this.hardReboot(id, spec);
    });
  }

  pause(uuid: string): Promise<void> {
    return this.act(uuid, "pause", (id) => this.onDomain(id, (d) => d.suspend()));
  }

  unpause(uuid: string): Promise<void> {
    return this.act(uuid, "unpause", (id) => this.onDomain(id, (d) => d.resume()));
  }

  /**
   * Nova suspends with libvirt's managed save (virDomainManagedSave) and resumes by starting the
   * domain. The binding has no managed save, so the driver does the same by hand: virDomainSave
   * into the instance directory, virDomainRestore from it. One path for both hypervisors.
   */
  suspend(uuid: string): Promise<void> {
    return this.act(uuid, "suspend", async (id) => {
      const { state, saved } = await this.require(id);
      if (saved) return;
      if (state === State.SHUTOFF) {
        throw new VirtError("INVALID_STATE", `cannot suspend ${domainName(id)}: it is not running`);
      }
      const memory = this.paths(id).memory;
      await mkdir(this.paths(id).dir, { recursive: true });
      try {
        await this.onDomain(id, (d) => d.save(memory));
      } catch (err) {
        await rm(memory, { force: true });
        throw err;
      }
    });
  }

  resume(uuid: string): Promise<void> {
    return this.act(uuid, "resume", async (id) => {
      const { state, saved } = await this.require(id);
      if (saved) return this.restore(id);
      if (state === State.SHUTOFF) {
        throw new VirtError(
          "INVALID_STATE",
          `cannot resume ${domainName(id)}: it is not suspended`,
        );
      }
    });
  }

  async resize(uuid: string, input: InstanceSpec): Promise<void> {
    const spec = parseSpec(input);
    return this.act(uuid, "resize", async (id) => {
      if (spec.uuid !== id) {
        throw new VirtError("INVALID_ARGUMENT", `the spec is for ${spec.uuid}, not ${id}`);
      }
      const { state, saved } = await this.require(id);
      if (saved) {
        throw new VirtError(
          "INVALID_STATE",
          `cannot resize ${domainName(id)} while it is suspended`,
        );
      }
      const growTo = await this.rootDiskGrowth(spec);
      const wasActive = state !== State.SHUTOFF;
      if (wasActive) await this.cleanShutdown(id, this.opts.shutdownTimeoutSec);
      if (growTo !== undefined) await growQcow2(this.paths(id).disk, growTo);
      await this.define(spec);
      if (wasActive) await this.start(id);
      if (state === State.PAUSED) await this.onDomain(id, (d) => d.suspend());
      this.log.info({ uuid: id, flavor: spec.flavor.name }, "resized");
    });
  }

  async powerState(uuid: string): Promise<PowerState> {
    const id = parseUuid(uuid);
    try {
      return toPowerState(await this.require(id));
    } catch (err) {
      throw failure(err, "power state", id);
    }
  }

  async consoleOutput(uuid: string, maxLines?: number): Promise<string> {
    const id = parseUuid(uuid);
    try {
      await this.require(id);
      const text = await readTail(this.paths(id).consoleLog, MAX_CONSOLE_BYTES);
      return maxLines === undefined ? text : lastLines(text, maxLines);
    } catch (err) {
      throw failure(err, "console output", id);
    }
  }

  async vncAddress(uuid: string): Promise<{ host: string; port: number }> {
    const id = parseUuid(uuid);
    try {
      const display = vncDisplayFromXml(await this.onDomain(id, (d) => d.getXMLDesc()));
      if (!display) {
        throw new VirtError(
          "INVALID_STATE",
          `${domainName(id)} has no VNC display: it is not running`,
        );
      }
      // A wildcard listen address is reachable from elsewhere on the host's own address.
      const wildcard = display.listen === "0.0.0.0" || display.listen === "::";
      return {
        host: wildcard ? (this.opts.hostIp ?? firstIpv4()) : display.listen,
        port: display.port,
      };
    } catch (err) {
      throw failure(err, "VNC address", id);
    }
  }

  // ---- building blocks (callers hold the instance's lock where they change anything) ----

  /** Validate the uuid, serialize on it, and turn whatever fails into a VirtError. */
  private async act<T>(uuid: string, what: string, fn: (id: string) => Promise<T>): Promise<T> {
    const id = parseUuid(uuid);
    try {
      return await this.locks.run(id, () => fn(id));
    } catch (err) {
      throw failure(err, what, id);
    }
  }

  private paths(uuid: string) {
    const dir = join(this.opts.instancesDir, uuid);
    return {
      dir,
      disk: join(dir, "disk"),
      consoleLog: join(dir, "console.log"),
      memory: join(dir, "memory.save"),
    };
  }

  private domainXml(spec: ParsedInstanceSpec): string {
    const paths = this.paths(spec.uuid);
    return buildDomainXml(spec, {
      type: this.domainType,
      diskPath: this.hasStorage ? paths.disk : undefined,
      consoleLogPath: paths.consoleLog,
      vncListen: this.opts.vncListen,
    });
  }

  private async status(uuid: string): Promise<DomainStatus | null> {
    const state = await this.conn.run(async (h) => {
      const domain = await lookup(h, uuid);
      return domain && (await domain.getInfo()).state;
    });
    return state === null ? null : { state, saved: await this.isSaved(uuid, state) };
  }

  private async require(uuid: string): Promise<DomainStatus> {
    const status = await this.status(uuid);
    if (!status) throw notFound(uuid);
    return status;
  }

  private async isSaved(uuid: string, state: libvirt.DomainState): Promise<boolean> {
    return state === State.SHUTOFF && (await exists(this.paths(uuid).memory));
  }

  private onDomain<T>(uuid: string, fn: (domain: Domain) => Promise<T>): Promise<T> {
    return this.conn.run(async (h) => {
      const domain = await lookup(h, uuid);
      if (!domain) throw notFound(uuid);
      return fn(domain);
    });
  }

  private start(uuid: string): Promise<void> {
    return this.onDomain(uuid, (d) => d.create());
  }

  private async define(spec: ParsedInstanceSpec): Promise<void> {
    await this.conn.run((h) => h.domainDefineXML(this.domainXml(spec)));
  }

  private async restore(uuid: string): Promise<void> {
    const memory = this.paths(uuid).memory;
    await this.conn.run((h) => h.domainRestore(memory));
    await rm(memory, { force: true });
  }

  /** Pull the plug if the domain runs; a guest that stops by itself meanwhile is fine too. */
  private async stopNow(uuid: string): Promise<void> {
    await this.conn.run(async (h) => {
      const domain = await lookup(h, uuid);
      if (!domain || (await domain.getInfo()).state === State.SHUTOFF) return;
      try {
        await domain.destroy();
      } catch (err) {
        if (isDomainNotFound(err) || (await domain.getInfo()).state !== State.SHUTOFF) throw err;
      }
    });
  }

  private async remove(uuid: string): Promise<void> {
    await this.stopNow(uuid);
    await this.conn.run(async (h) => {
      try {
        await (await lookup(h, uuid))?.undefine();
      } catch (err) {
        if (!isDomainNotFound(err)) throw err;
      }
    });
    await rm(this.paths(uuid).dir, { recursive: true, force: true });
    this.log.info({ uuid }, "destroyed");
  }

  private async waitForShutoff(uuid: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(uuid);
      if (!status || status.state === State.SHUTOFF) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(POLL_MS, left));
    }
  }

  /**
   * Press the ACPI power button and wait for the guest to stop, pressing again every
   * ACPI_RETRY_SEC as Nova's _clean_shutdown does: a guest still booting may not listen to the
   * button yet, and would otherwise cost the whole timeout. A failing first press throws.
   */
  private async acpiShutdown(uuid: string, timeoutSec: number): Promise<boolean> {
    const deadline = Date.now() + timeoutSec * 1000;
    for (let press = 0; ; press++) {
      try {
        await this.onDomain(uuid, (d) => d.shutdown());
      } catch (err) {
        // A later press may race the guest going down by itself.
        if (press === 0) throw err;
      }
      const left = deadline - Date.now();
      if (await this.waitForShutoff(uuid, Math.min(ACPI_RETRY_SEC * 1000, left))) return true;
      if (Date.now() >= deadline) return false;
      this.log.debug(
        { uuid, press: press + 1 },
        "guest still running, pressing the ACPI button again",
      );
    }
  }

  /** Nova's clean shutdown: ACPI, wait up to the timeout, then destroy. */
  private async cleanShutdown(uuid: string, timeoutSec: number): Promise<void> {
    const { state } = await this.require(uuid);
    if (state === State.SHUTOFF) return;
    // A paused guest cannot see the ACPI button; Nova's timeout 0 means "no clean shutdown".
    if (state !== State.PAUSED && timeoutSec > 0) {
      try {
        if (await this.acpiShutdown(uuid, timeoutSec)) return;
        this.log.info({ uuid, timeoutSec }, "guest ignored the ACPI shutdown, destroying it");
      } catch (err) {
        this.log.warn({ uuid, err: (err as Error).message }, "ACPI shutdown failed, destroying");
      }
    }
    await this.stopNow(uuid);
  }

  /** Nova's _soft_reboot: only a running guest, and only if it stops in time. */
  private async softReboot(uuid: string): Promise<boolean> {
    const { state } = await this.require(uuid);
    if (state !== State.RUNNING && state !== State.BLOCKED) return false;
    try {
      if (!(await this.acpiShutdown(uuid, this.opts.softRebootTimeoutSec))) {
        this.log.info({ uuid }, "soft reboot timed out, rebooting hard");
        return false;
      }
    } catch (err) {
      this.log.warn({ uuid, err: (err as Error).message }, "ACPI shutdown failed, rebooting hard");
      return false;
    }
    await this.start(uuid);
    return true;
  }

  /** Destroy and start; with a spec, recreate the definition and any missing disk first. */
  private async hardReboot(uuid: string, spec?: ParsedInstanceSpec): Promise<void> {
    if (!spec) await this.require(uuid);
    await this.stopNow(uuid);
    // A saved memory image belongs to the boot being thrown away.
    await rm(this.paths(uuid).memory, { force: true });
    if (spec) {
      await this.prepareInstanceDir(spec);
      await this.define(spec);
    }
    await this.start(uuid);
  }

  /** The instance directory, its console log and (with storage) its qcow2 overlay disk. */
  private async prepareInstanceDir(spec: ParsedInstanceSpec): Promise<void> {
    const paths = this.paths(spec.uuid);
    await mkdir(paths.dir, { recursive: true });
    // Created up front so the console log reads as empty, not missing, before the guest writes.
    await writeFile(paths.consoleLog, "", { flag: "a" });
    if (!this.hasStorage || (await exists(paths.disk))) return;
    const base = await this.images.base(spec.image);
    const size = spec.flavor.rootGb * GiB;
    if (size > 0) {
      const { virtualSize } = await imageInfo(base, { format: "qcow2" });
      if (size < virtualSize) {
        throw new VirtError(
          "INVALID_ARGUMENT",
          `flavor ${spec.flavor.name}'s ${spec.flavor.rootGb} GiB root disk is smaller than image ${spec.image.id} (${virtualSize} bytes)`,
        );
      }
    }
    // Built under a temporary name so a half-made disk is never mistaken for the instance's own.
    const part = `${paths.disk}.part`;
    await createOverlay(base, part, size > 0 ? size : undefined);
    await rename(part, paths.disk);
  }

  /** The new root disk size if the flavor grows it; a flavor may not shrink it. */
  private async rootDiskGrowth(spec: ParsedInstanceSpec): Promise<number | undefined> {
    if (!this.hasStorage || spec.flavor.rootGb === 0) return undefined;
    const wanted = spec.flavor.rootGb * GiB;
    const { virtualSize } = await imageInfo(this.paths(spec.uuid).disk, {
      format: "qcow2",
      shared: true,
    });
    if (wanted < virtualSize) {
      throw new VirtError(
        "INVALID_ARGUMENT",
        `cannot shrink the root disk of ${domainName(spec.uuid)} from ${virtualSize / GiB} GiB to ${spec.flavor.rootGb} GiB`,
      );
    }
    return wanted > virtualSize ? wanted : undefined;
  }
}

/** Nova's LIBVIRT_POWER_STATE, plus SUSPENDED for a domain whose memory we saved. */
function toPowerState({ state, saved }: DomainStatus): PowerState {
  switch (state) {
    case State.RUNNING:
    case State.BLOCKED:
      return PowerState.RUNNING;
    case State.PAUSED:
      return PowerState.PAUSED;
    case State.SHUTDOWN:
      return PowerState.SHUTDOWN;
    case State.SHUTOFF:
      // NOTE: Nova reports a managed-saved domain as SHUTDOWN (libvirt only says SHUTOFF); we know
      // the memory image is there, so the power-state sync can tell "suspended" from "stopped".
      return saved ? PowerState.SUSPENDED : PowerState.SHUTDOWN;
    case State.CRASHED:
      return PowerState.CRASHED;
    case State.PMSUSPENDED:
      return PowerState.SUSPENDED;
    default:
      return PowerState.NOSTATE;
  }
}

async function lookup(h: Hypervisor, uuid: string): Promise<Domain | null> {
  try {
    return await h.domainLookupByUUIDString(uuid);
  } catch (err) {
    if (isDomainNotFound(err)) return null;
    throw err;
  }
}

const notFound = (uuid: string) =>
  new VirtError("NOT_FOUND", `domain ${domainName(uuid)} not found`);

function parseUuid(uuid: string): string {
  const parsed = instanceUuidSchema.safeParse(uuid);
  if (!parsed.success) throw new VirtError("INVALID_ARGUMENT", `not an instance uuid: ${uuid}`);
  return parsed.data;
}

function parseSpec(input: InstanceSpec): ParsedInstanceSpec {
  const parsed = instanceSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new VirtError("INVALID_ARGUMENT", `instance spec: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** A VirtError saying what failed on which domain; libvirt's message is kept as the reason. */
function failure(err: unknown, what: string, uuid?: string): VirtError {
  if (err instanceof VirtError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const target = uuid ? ` ${domainName(uuid)}` : "";
  // The binding keeps libvirt's message but not its code: VIR_ERR_OPERATION_INVALID reads
  // "Requested operation is not valid" on qemu, the test hypervisor says "domain 'x' not running".
  const invalid = /requested operation is not valid|not running|not paused|already running/i;
  const code = invalid.test(message) ? "INVALID_STATE" : "FAILED";
  return new VirtError(code, `${what}${target} failed: ${message}`, { cause: err });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The last `maxBytes` of a file as text, starting at a line boundary; "" if there is no file. */
async function readTail(path: string, maxBytes: number): Promise<string> {
  let file;
  try {
    file = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    return length < size ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    await file.close();
  }
}

/** The last n lines of text, keeping its final newline. */
export function lastLines(text: string, n: number): string {
  const lines = text.split("\n");
  const endsWithNewline = lines.at(-1) === "";
  if (endsWithNewline) lines.pop();
  const tail = lines.slice(Math.max(0, lines.length - Math.max(0, n)));
  return tail.join("\n") + (endsWithNewline && tail.length > 0 ? "\n" : "");
}

function firstIpv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (found) return found.address;
  }
  return "127.0.0.1";
}
