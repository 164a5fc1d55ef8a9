// Live updates for the dashboard over socket.io. Later work subscribes here to the bus's
// notifications (instance state changes, service up/down) and emits them to the rooms of the
// projects they concern; for now it only accounts for connections.
import type { Server } from "socket.io";
import type { Logger } from "../logger";

export interface Live {
  close(): Promise<void>;
}

export function createLive(io: Server, deps: { log: Logger }): Live {
  const log = deps.log.child({ component: "live" });
  io.on("connection", (socket) => {
    log.debug({ socketId: socket.id }, "live client connected");
    socket.on("disconnect", (reason) =>
      log.debug({ socketId: socket.id, reason }, "live client disconnected"),
    );
  });
  return {
    async close() {
      io.disconnectSockets(true);
    },
  };
}
