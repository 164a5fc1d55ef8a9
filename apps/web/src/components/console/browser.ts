// The browser's side of a console session: noVNC on a websocket this code opens itself (so its
// close code and reason can be read), and the proxy's plain-HTTP answer about a token.
import { CONSOLE_CLOSE, consoleRefusalSchema } from "@nimbus/rpc/domain";
import { z } from "zod";
import type { Probe, RfbLike, SocketLike } from "./console-session";

/** noVNC, loaded in the browser only (it reads `window` and `document` as it loads). */
export async function loadRfbFactory(
  target: HTMLElement,
): Promise<(socket: SocketLike) => RfbLike> {
  const { default: RFB } = await import("@novnc/novnc");
  return (socket) => {
    const rfb = new RFB(target, socket as WebSocket, { shared: true });
    rfb.scaleViewport = true;
    rfb.focusOnClick = true;
    rfb.background = "rgb(2, 6, 23)";
    return rfb;
  };
}

export function openSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  return ws;
}

const statusSchema = z.union([
  z.object({ valid: z.literal(true), expiresAt: z.string() }),
  z.object({
    valid: z.literal(false),
    reason: z.union([consoleRefusalSchema, z.enum(["token_missing", "service_unavailable"])]),
    message: z.string(),
  }),
]);

/** What the proxy says about the token in `url` (a GET of the websocket's own URL). */
export async function probe(url: string): Promise<Probe> {
  try {
    const res = await fetch(url.replace(/^ws/, "http"), { cache: "no-store" });
    const body = statusSchema.safeParse(await res.json());
    if (!body.success) return { kind: "unreachable" };
    if (body.data.valid) return { kind: "valid", expiresAt: body.data.expiresAt };
    const { reason, message } = body.data;
    return { kind: "refused", reason, message: message || CONSOLE_CLOSE[reason].text };
  } catch {
    return { kind: "unreachable" };
  }
}
