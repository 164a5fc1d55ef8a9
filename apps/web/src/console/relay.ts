// One console session's bytes between the browser's websocket and the guest's VNC socket, with
// backpressure both ways: a side whose peer cannot keep up is paused until the peer drains, so a
// slow browser (or a slow host) never makes this process buffer a guest's screen without bound.
import type { Socket } from "node:net";
import type { RawData, WebSocket } from "ws";

export interface RelayOptions {
  /**
   * Bytes sent towards the browser but not yet handed to its socket, above which the VNC side is
   * paused (resumed at half of it).
   */
  highWaterMark?: number;
  /** End the session after this long without a byte from the browser; 0: never. */
  idleMs: number;
  /** End the session after this long in all; 0: never. */
  maxMs: number;
}

/**
 * Why a relay ended: the browser went away, the display closed, a limit ran out, or the proxy
 * stopped it (`stop()`).
 */
export type RelayEnd = "client" | "display" | "idle" | "limit" | "stopped";

export interface RelayStats {
  bytesFromClient: number;
  bytesToClient: number;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class Relay {
  readonly stats: RelayStats = { bytesFromClient: 0, bytesToClient: 0 };
  /** Resolves once, with why the relay ended; the VNC socket is closed by then. */
  readonly ended: Promise<RelayEnd>;
  private finish!: (why: RelayEnd) => void;
  private done = false;
  /** Bytes given to the websocket whose write has not completed yet. */
  private pending = 0;
  private displayPaused = false;
  private clientPaused = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private readonly highWaterMark: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
    private readonly options: RelayOptions,
  ) {
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.ended = new Promise((resolve) => {
      this.finish = (why) => {
        if (this.done) return;
        this.done = true;
        clearTimeout(this.idleTimer);
        clearTimeout(this.maxTimer);
        tcp.destroy();
        resolve(why);
      };
    });
  }

  /** Which side is held back right now (for tests and debugging). */
  get paused(): { display: boolean; client: boolean } {
    return { display: this.displayPaused, client: this.clientPaused };
  }

  /** Start relaying; the websocket may have been paused until now (it is resumed). */
  start(): void {
    const { ws, tcp } = this;
    tcp.on("data", (chunk: Buffer) => this.toClient(chunk));
    tcp.on("error", () => undefined); // 'close' follows and ends the relay
    tcp.on("close", () => this.finish("display"));
    ws.on("message", (data) => this.toDisplay(toBuffer(data)));
    ws.on("error", () => undefined);
    ws.on("close", () => this.finish("client"));
    if (this.options.maxMs > 0) {
      this.maxTimer = setTimeout(() => this.finish("limit"), this.options.maxMs);
    }
    this.touch();
    ws.resume();
  }

  /** End the relay from outside (the proxy then closes the websocket with its own code). */
  stop(): void {
    this.finish("stopped");
  }

  private touch(): void {
    if (this.options.idleMs <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.finish("idle"), this.options.idleMs);
  }

  private toClient(chunk: Buffer): void {
    if (this.done) return;
    this.stats.bytesToClient += chunk.length;
    this.pending += chunk.length;
    this.ws.send(chunk, { binary: true }, () => {
      this.pending -= chunk.length;
      if (this.displayPaused && this.pending <= this.highWaterMark / 2) {
        this.displayPaused = false;
        this.tcp.resume();
      }
    });
    if (!this.displayPaused && this.pending > this.highWaterMark) {
      this.displayPaused = true;
      this.tcp.pause();
    }
  }

  private toDisplay(data: Buffer): void {
    if (this.done) return;
    this.stats.bytesFromClient += data.length;
    this.touch();
    if (!this.tcp.write(data) && !this.clientPaused) {
      this.clientPaused = true;
      this.ws.pause();
      this.tcp.once("drain", () => {
        this.clientPaused = false;
        this.ws.resume();
      });
    }
  }
}
