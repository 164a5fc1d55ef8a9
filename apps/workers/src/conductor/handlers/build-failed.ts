// conductor.build_failed: free the claim, reschedule while attempts remain, else ERROR.
import { buildFailed, handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { failBuild } from "../flows/builds";

export const buildFailedHandler = (c: Conductor) =>
  handler(buildFailed, (req, meta) => failBuild(c, req, meta));
