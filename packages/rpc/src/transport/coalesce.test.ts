import { once } from "node:events";
import { createServer, Socket, type AddressInfo, type Server } from "node:net";
import type { ChannelModel } from "amqplib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { coalesceWrites } from "./coalesce.js";

// A loopback server that collects what one client sends.
let server: Server | undefined;
let client: Socket | undefined;
afterEach(() => {
  client?.destroy();
  server?.close();
});

async function connected(): Promise<{ socket: Socket; received: () => Promise<string> }> {
  const chunks: Buffer[] = [];
  let ended!: Promise<unknown>;
  server = createServer((peer) => {
    peer.on("data", (d: Buffer) => chunks.push(d));
    ended = once(peer, "end");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const socket = new Socket();
  socket.setNoDelay(true);
  socket.connect((server.address() as AddressInfo).port, "127.0.0.1");
  await once(socket, "connect");
  client = socket;
  return {
    socket,
    received: async () => {
      socket.end();
      await ended;
      return Buffer.concat(chunks).toString();
    },
  };
}

const modelOver = (stream: unknown) => ({ connection: { stream } }) as unknown as ChannelModel;

describe("coalesceWrites", () => {
  it("sends the writes of one turn in a single writev, in order, and later turns too", async () => {
    const { socket, received } = await connected();
    expect(coalesceWrites(modelOver(socket))).toBe(true);
    const writev = vi.spyOn(socket as unknown as { _writev: () => void }, "_writev");

    socket.write("reply;");
    socket.write("ack;");
    socket.write("publish;");
    expect(writev).not.toHaveBeenCalled(); // held until the turn's work is done
    await new Promise((r) => setImmediate(r));
    expect(writev).toHaveBeenCalledTimes(1);
    expect((writev.mock.calls[0] as unknown[])[0]).toHaveLength(3);

    // The next turn corks afresh; nothing is left behind.
    socket.write("next;");
    await new Promise((r) => setImmediate(r));
    expect(await received()).toBe("reply;ack;publish;next;");
  });

  it("also holds writes made by promise jobs of the same turn", async () => {
    const { socket, received } = await connected();
    coalesceWrites(modelOver(socket));
    const writev = vi.spyOn(socket as unknown as { _writev: () => void }, "_writev");
    socket.write("a;");
    await Promise.resolve();
    socket.write("b;");
    await new Promise((r) => setImmediate(r));
    expect(writev).toHaveBeenCalledTimes(1);
    expect(await received()).toBe("a;b;");
  });

  it("says so when amqplib's connection has no socket where it used to", () => {
    expect(coalesceWrites(modelOver(undefined))).toBe(false);
    expect(coalesceWrites({} as unknown as ChannelModel)).toBe(false);
  });
});
