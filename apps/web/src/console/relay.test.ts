// The relay between a real websocket pair and a real TCP socket on localhost: bytes arrive whole
// and in order both ways, a reader that stops reading pauses the other side instead of filling
// this process's memory, and the limits end a session.
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { waitFor } from "@nimbus/rpc/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { Relay, type RelayOptions } from "./relay";

const MiB = 1024 * 1024;
const TOTAL = 64 * MiB;

interface Rig {
  /** the websocket as the browser holds it */
  client: WebSocket;
  /** the guest's end of the VNC socket */
  display: Socket;
  relay: Relay;
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function listen(server: Server | HttpServer): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function rig(options: Partial<RelayOptions> = {}): Promise<Rig> {
  const displays: Socket[] = [];
  const vnc = createServer((s) => displays.push(s));
  const vncPort = await listen(vnc);
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http });
  const relays: Relay[] = [];
  wss.on("connection", (ws) => {
    ws.pause();
    const tcp = connect(vncPort, "127.0.0.1", () => {
      const relay = new Relay(ws, tcp, { idleMs: 0, maxMs: 0, ...options });
      relays.push(relay);
      relay.start();
    });
  });
  const port = await listen(http);
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  cleanups.push(async () => {
    client.terminate();
    for (const d of displays) d.destroy();
    wss.close();
    http.close();
    vnc.close();
  });
  await once(client, "open");
  await waitFor(() => relays.length === 1 && displays.length === 1, { timeoutMs: 5_000 });
  return { client, display: displays[0]!, relay: relays[0]! };
}

/** Write `total` pseudo-random bytes to `write`, honouring its backpressure; returns their sha256. */
async function pump(
  total: number,
  write: (chunk: Buffer) => Promise<void>,
): Promise<{ digest: string }> {
  const hash = createHash("sha256");
  const block = randomBytes(256 * 1024);
  for (let sent = 0; sent < total; sent += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, total - sent));
    hash.update(chunk);
    await write(chunk);
  }
  return { digest: hash.digest("hex") };
}

const socketWriter = (s: Socket) => async (chunk: Buffer) => {
  if (!s.write(chunk)) await once(s, "drain");
};

/**
 * Until `count` has not moved for 10 polls in a row: the relay has stopped taking bytes. Without
 * backpressure it would only stop once it had taken all of them.
 */
async function settled(count: () => number): Promise<number> {
  let last = -1;
  let still = 0;
  await waitFor(
    () => {
      const now = count();
      still = now === last ? still + 1 : 0;
      last = now;
      return still >= 10;
    },
    { timeoutMs: 20_000, intervalMs: 25, what: "the relay to stop taking bytes" },
  );
  return last;
}

describe("Relay", () => {
  it("pauses the display while the browser does not read, then delivers every byte in order", async () => {
    const { client, display, relay } = await rig();
    // The browser stops reading: nothing leaves its socket's receive buffer.
    client.pause();
    const hash = createHash("sha256");
    let received = 0;
    client.on("message", (data: Buffer) => {
      hash.update(data);
      received += data.length;
    });
    const sending = pump(TOTAL, socketWriter(display));

    // Held back: the relay reads only what fits in the sockets' buffers and its high-water mark.
    expect(await settled(() => relay.stats.bytesToClient)).toBeLessThan(TOTAL / 2);
    expect(relay.paused.display).toBe(true);

    client.resume();
    const { digest } = await sending;
    await waitFor(() => received === TOTAL, { timeoutMs: 30_000 });
    expect(hash.digest("hex")).toBe(digest);
    expect(relay.stats.bytesToClient).toBe(TOTAL);
    expect(relay.paused.display).toBe(false);
  });

  it("pauses the browser while the display does not read, then delivers every byte in order", async () => {
    const { client, display, relay } = await rig();
    display.pause();
    const hash = createHash("sha256");
    let received = 0;
    display.on("data", (data: Buffer) => {
      hash.update(data);
      received += data.length;
    });
    const sending = pump(TOTAL, async (chunk) => {
      client.send(chunk);
      // the browser's own buffer: wait while it holds more than a few MiB
      while (client.bufferedAmount > 4 * MiB) await new Promise((r) => setImmediate(r));
    });

    expect(await settled(() => relay.stats.bytesFromClient)).toBeLessThan(TOTAL / 2);
    expect(relay.paused.client).toBe(true);

    display.resume();
    const { digest } = await sending;
    await waitFor(() => received === TOTAL, { timeoutMs: 30_000 });
    expect(hash.digest("hex")).toBe(digest);
    expect(relay.paused.client).toBe(false);
  });

  it("ends when the display closes, and closes the display when the browser leaves", async () => {
    const a = await rig();
    a.display.end();
    expect(await a.relay.ended).toBe("display");

    const b = await rig();
    const displayClosed = once(b.display, "close");
    b.client.close();
    expect(await b.relay.ended).toBe("client");
    await displayClosed;
  });

  it("ends an idle session, and any session at its time limit", async () => {
    const idle = await rig({ idleMs: 200 });
    expect(await idle.relay.ended).toBe("idle");

    const limited = await rig({ idleMs: 0, maxMs: 300 });
    // Input keeps the idle timer away but not the limit.
    const typing = setInterval(
      () => limited.client.send(Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61])),
      20,
    );
    cleanups.push(() => clearInterval(typing));
    expect(await limited.relay.ended).toBe("limit");
  });
});
