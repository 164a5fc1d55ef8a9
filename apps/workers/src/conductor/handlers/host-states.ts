// conductor.host_states: every compute node with its usage and service state (the scheduler's view).
import { handler, hostStates } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { listNodes } from "../repositories/hosts";
import { toComputeNode } from "../repositories/mapping";

export const hostStatesHandler = (c: Conductor) =>
  handler(hostStates, async () => {
    const liveness = c.liveness();
    return { nodes: (await listNodes(c.sql)).map((row) => toComputeNode(row, liveness)) };
  });
