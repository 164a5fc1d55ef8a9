// Websocket upgrades that are neither socket.io's nor Next.js's land here. The noVNC console proxy
// (token check, Origin check, relay to the guest's VNC port) will be this handler; until then every
// such upgrade is refused.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export const refuseUpgrade: UpgradeHandler = (_req, socket) => {
  socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
};
