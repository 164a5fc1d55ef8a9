// A minimal RFB (VNC) client over the console proxy's websocket, as noVNC speaks it: open the URL a
// console URL names, then the handshake (RFC 6143: ProtocolVersion, security None, ClientInit,
// ServerInit) and Raw framebuffer updates. Enough to prove a real guest's screen comes through.
import { WebSocket } from "ws";

export interface Closed {
  code: number;
  reason: string;
}

/** The websocket a console URL (`…/console/?path=…`) names, as the console page computes it. */
export function websocketUrlOf(consoleUrl: string): string {
  const u = new URL(consoleUrl);
  const path = u.searchParams.get("path");
  if (!path) throw new Error(`no path parameter in ${consoleUrl}`);
  return `${u.protocol === "https:" ? "wss:" : "ws:"}//${u.host}/${path}`;
}

/** The token inside a console URL. */
export function tokenOf(consoleUrl: string): string {
  const path = new URL(consoleUrl).searchParams.get("path") ?? "";
  const token = new URLSearchParams(path.slice(path.indexOf("?") + 1)).get("token");
  if (!token) throw new Error(`no token in ${consoleUrl}`);
  return token;
}

export interface ServerInit {
  width: number;
  height: number;
  name: string;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  encoding: number;
  /** Raw pixels, 4 bytes each (the pixel format this client sets) */
  pixels: Buffer;
}

export class RfbClient {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  /** Resolves when the websocket closes, with the proxy's code and words. */
  readonly closed: Promise<Closed>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, data]);
      this.waiting?.();
    });
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiting?.();
      }),
    );
  }

  /** Open the websocket (resolves once upgraded; rejects with the HTTP status if refused). */
  static open(url: string, origin: string): Promise<RfbClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin });
      const client = new RfbClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
      );
      ws.once("error", reject);
    });
  }

  /** Exactly `n` bytes, waiting for them up to `timeoutMs`. */
  async read(n: number, timeoutMs = 20_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < n) {
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`the websocket closed with ${n - this.buffered.length} bytes to go`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} bytes`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  send(bytes: Buffer): void {
    this.ws.send(bytes);
  }

  /** ProtocolVersion, security type None, ClientInit (shared), ServerInit. */
  async handshake(): Promise<ServerInit & { version: string; securityTypes: number[] }> {
    const version = (await this.read(12)).toString("latin1");
    if (version !== "RFB 003.008\n")
      throw new Error(`unexpected greeting ${JSON.stringify(version)}`);
    this.send(Buffer.from("RFB 003.008\n", "latin1"));
    const count = (await this.read(1))[0]!;
    if (count === 0) {
      const len = (await this.read(4)).readUInt32BE(0);
      throw new Error(`the server refused: ${(await this.read(len)).toString()}`);
    }
    const securityTypes = [...(await this.read(count))];
    if (!securityTypes.includes(1)) throw new Error(`no security type None in ${securityTypes}`);
    this.send(Buffer.from([1]));
    const result = (await this.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security handshake failed (${result})`);
    this.send(Buffer.from([1])); // ClientInit: shared
    const init = await this.read(24);
    const nameLength = init.readUInt32BE(20);
    const name = (await this.read(nameLength)).toString("utf8");
    return {
      version,
      securityTypes,
      width: init.readUInt16BE(0),
      height: init.readUInt16BE(2),
      name,
    };
  }

  /** SetPixelFormat (32 bpp true colour), SetEncodings [Raw], a full FramebufferUpdateRequest. */
  requestFrame(width: number, height: number): void {
    const pixelFormat = Buffer.alloc(20);
    pixelFormat[0] = 0; // SetPixelFormat
    pixelFormat[4] = 32; // bits per pixel
    pixelFormat[5] = 24; // depth
    pixelFormat[6] = 0; // little endian
    pixelFormat[7] = 1; // true colour
    pixelFormat.writeUInt16BE(255, 8);
    pixelFormat.writeUInt16BE(255, 10);
    pixelFormat.writeUInt16BE(255, 12);
    pixelFormat[14] = 16; // red shift
    pixelFormat[15] = 8; // green shift
    pixelFormat[16] = 0; // blue shift
    const encodings = Buffer.alloc(8);
    encodings[0] = 2; // SetEncodings
    encodings.writeUInt16BE(1, 2);
    encodings.writeInt32BE(0, 4); // Raw
    const request = Buffer.alloc(10);
    request[0] = 3; // FramebufferUpdateRequest
    request[1] = 0; // not incremental: the whole screen
    request.writeUInt16BE(width, 6);
    request.writeUInt16BE(height, 8);
    this.send(Buffer.concat([pixelFormat, encodings, request]));
  }

  /** The next FramebufferUpdate (other server messages are skipped), its Raw rectangles read. */
  async readFrame(timeoutMs = 20_000): Promise<Rect[]> {
    for (;;) {
      const type = (await this.read(1, timeoutMs))[0];
      if (type === 0) break;
      if (type === 2) continue; // Bell
      if (type === 3) {
        // ServerCutText
        const header = await this.read(7, timeoutMs);
        await this.read(header.readUInt32BE(3), timeoutMs);
        continue;
      }
      throw new Error(`unexpected server message type ${type}`);
    }
    const count = (await this.read(3, timeoutMs)).readUInt16BE(1);
    const rects: Rect[] = [];
    for (let i = 0; i < count; i++) {
      const h = await this.read(12, timeoutMs);
      const rect = {
        x: h.readUInt16BE(0),
        y: h.readUInt16BE(2),
        width: h.readUInt16BE(4),
        height: h.readUInt16BE(6),
        encoding: h.readInt32BE(8),
      };
      if (rect.encoding !== 0) throw new Error(`unexpected encoding ${rect.encoding}`);
      rects.push({ ...rect, pixels: await this.read(rect.width * rect.height * 4, timeoutMs) });
    }
    return rects;
  }

  close(): void {
    this.ws.close();
  }
}
