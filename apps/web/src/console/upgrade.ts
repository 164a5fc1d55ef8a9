// The web server hands websocket upgrades that are neither socket.io's nor Next.js's to one of
// these: the console proxy (./proxy.ts) by default.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
