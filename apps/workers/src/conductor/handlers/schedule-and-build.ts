// conductor.schedule_and_build: the conductor's own durable to-do item (flows/builds.ts).
import { handler, scheduleAndBuild } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { scheduleAndBuild as run } from "../flows/builds";

export const scheduleAndBuildHandler = (c: Conductor) =>
  handler(scheduleAndBuild, (req, meta) => run(c, req.instanceUuids, meta));
