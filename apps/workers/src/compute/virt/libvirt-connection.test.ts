// Reconnection, with connections to test:///default that can be made to "die" like a connection
// to a libvirtd that went away (every call fails with libvirt's broken-socket message).
// libvirt-driver.int.test.ts does the same with a real socket to the real libvirtd.
import * as libvirt from "@unraid/libvirt";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { VirtError } from "./driver";
import { LibvirtConnection, type Hypervisor } from "./libvirt-connection";

function killableConnections() {
  const opened: Array<{ kill: () => void }> = [];
  let refuse = false;
  const open = async (uri: string): Promise<Hypervisor> => {
    if (refuse)
      throw new Error(
        "Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused",
      );
    const real = new libvirt.Hypervisor({ uri });
    await real.connectOpen();
    let dead = false;
    opened.push({ kill: () => (dead = true) });
    return new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) =>
          dead && key !== "connectClose"
            ? Promise.reject(new Error("internal error: client socket is closed"))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
  };
  return { open, opened, refuse: (on: boolean) => (refuse = on) };
}

const silent = pino({ level: "silent" });

describe("LibvirtConnection", () => {
  it("reopens a dead connection and retries the call once", async () => {
    const { open, opened } = killableConnections();
    const conn = new LibvirtConnection("test:///default", silent, open);
    await conn.init();
    expect(await conn.run((h) => h.connectGetHostname())).toBeTruthy();
    opened[0]!.kill();
    expect(await conn.run((h) => h.connectGetHostname())).toBeTruthy();
    expect(opened).toHaveLength(2);
    expect(conn.generation).toBe(1);
    await conn.close();
  });

  it("opens one new connection for calls that fail together", async () => {
    const { open, opened } = killableConnections();
    const conn = new LibvirtConnection("test:///default", silent, open);
    await conn.init();
    opened[0]!.kill();
    await Promise.all(Array.from({ length: 5 }, () => conn.run((h) => h.nodeGetInfo())));
    expect(opened).toHaveLength(2);
    await conn.close();
  });

  it("passes on errors of a connection that still answers, without reconnecting", async () => {
    const { open, opened } = killableConnections();
    const conn = new LibvirtConnection("test:///default", silent, open);
    await expect(conn.run((h) => h.domainDefineXML("<domain type='test'/>"))).rejects.toThrow(
      /missing name information/,
    );
    expect(opened).toHaveLength(1);
    await conn.close();
  });

  it("says it cannot connect while libvirtd is away and connects once it is back", async () => {
    const { open, opened, refuse } = killableConnections();
    const conn = new LibvirtConnection("test:///default", silent, open);
    refuse(true);
    const err = await conn.init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirtError);
    expect((err as VirtError).message).toMatch(
      /^cannot connect to test:\/\/\/default: .*Connection refused/,
    );
    refuse(false);
    expect(await conn.run((h) => h.connectGetHostname())).toBeTruthy();
    expect(opened).toHaveLength(1);
    await conn.close();
  });
});
