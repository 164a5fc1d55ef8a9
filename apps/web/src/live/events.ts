// What the live socket sends the dashboard, by event name: shared by the server (live.ts) and the
// browser (src/dashboard/live.tsx), so both sides agree on names and shapes.
import type { ComputeNode } from "@nimbus/rpc";
import type { ActionView, ServerView } from "../trpc/routers/servers/views";

export interface LiveEvents {
  /** a server was recorded or changed; the view is the server as it is now */
  server: (e: { kind: "created" | "updated"; server: ServerView }) => void;
  "server.deleted": (e: { id: string; projectId: string; name: string }) => void;
  /** an action on a server, or one of its events, started or finished */
  action: (e: ActionView) => void;
  /** admins: a service came up, went down or was enabled/disabled */
  service: (e: {
    binary: string;
    host: string;
    state: "up" | "down";
    status: "enabled" | "disabled";
    disabledReason: string | null;
    lastSeenUp: string | null;
  }) => void;
  /** admins: a host's capacity or usage changed (the compute_node.update payload's node) */
  "compute-node": (e: { node: ComputeNode }) => void;
}

/** Why the server refused or ended a live connection (`connect_error` data / a disconnect). */
export type LiveRefusal = "signed-out" | "expired" | "origin";
