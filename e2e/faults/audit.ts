// After a fault: wait for every accepted server to settle, then account for each one — lost
// (accepted, never listed), extra (listed, never accepted: a duplicate), stuck (still in BUILD or
// mid-task at the deadline), built more than once, in ERROR without a fault saying why — and
// compare each host's claimed usage with the servers placed on it.
import type { ApiClient } from "../stack/client";
import { allServers, createAction, expectedUsage, hostUsage } from "../stack/servers";
import type { ServerView, Stack } from "../stack/stack";

export interface Audit {
  /** every server of the cloud at the end */
  listed: ServerView[];
  /** the accepted servers as they settled (or as they were at the deadline) */
  servers: ServerView[];
  lost: string[];
  extra: string[];
  /** "<id>: <status> <vm_state>/<task_state> on <host>" */
  stuck: string[];
  active: ServerView[];
  error: ServerView[];
  /** in ERROR without a fault message */
  unexplained: string[];
  /** not in ERROR without exactly one successful build, or in ERROR with one */
  builtWrong: string[];
  /** hosts whose claimed usage differs from what their servers use */
  usageMismatch: string[];
}

export async function auditServers(
  stack: Stack,
  accepted: string[],
  hosts: string[],
  timeoutMs = 120_000,
): Promise<Audit> {
  const listed = await settledList(stack, accepted, timeoutMs);
  const byId = new Map(listed.map((s) => [s.id, s]));
  const acceptedSet = new Set(accepted);
  const servers = accepted.flatMap((id) => byId.get(id) ?? []);
  const active = servers.filter((s) => s.status === "ACTIVE");
  const error = servers.filter((s) => s.status === "ERROR");

  const builtWrong: string[] = [];
  for (const s of servers) {
    const builds = (await createAction(stack, s.id)).events.filter(
      (e) => e.event === "compute_build_and_run_instance" && e.result === "Success",
    ).length;
    if (builds !== (s.status === "ERROR" ? 0 : 1)) builtWrong.push(s.id);
  }

  const usage = await hostUsage(stack);
  const usageMismatch = hosts.filter((host) => {
    const want = expectedUsage(listed, host);
    const got = usage.get(host);
    return (
      !got ||
      got.memoryMb !== want.memoryMb ||
      got.vcpus !== want.vcpus ||
      got.diskGb !== want.diskGb
    );
  });

  return {
    listed,
    servers,
    lost: accepted.filter((id) => !byId.has(id)),
    extra: listed.filter((s) => !acceptedSet.has(s.id)).map((s) => s.id),
    stuck: servers.filter((s) => !isSettled(s)).map(describe),
    active,
    error,
    unexplained: error.filter((s) => !s.fault?.message).map((s) => s.id),
    builtWrong,
    usageMismatch,
  };
}

/**
 * Every server of the cloud once all of `ids` are listed and settled, or as they are at the
 * deadline. One list per check (not a GET per server), re-checked on instance events.
 */
async function settledList(stack: Stack, ids: string[], timeoutMs: number): Promise<ServerView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await allServers(stack);
    const byId = new Map(listed.map((s) => [s.id, s]));
    const done = ids.every((id) => {
      const s = byId.get(id);
      return s && isSettled(s);
    });
    if (done || Date.now() > deadline) return listed;
    await new Promise<void>((resolve) => {
      const off = stack.events.onEvent(() => {
        clearTimeout(timer);
        off();
        resolve();
      });
      const timer = setTimeout(() => {
        off();
        resolve();
      }, 1_000);
    });
  }
}

/** Out of BUILD with no task under way: ACTIVE or ERROR, or where an action left it (SHUTOFF, PAUSED…). */
export const isSettled = (s: ServerView) =>
  s.status !== "BUILD" && s["OS-EXT-STS:task_state"] === null;

const describe = (s: ServerView) =>
  `${s.id}: ${s.status} ${s["OS-EXT-STS:vm_state"]}/${s["OS-EXT-STS:task_state"]} on ${s["OS-EXT-SRV-ATTR:host"]}`;

/** The audit as report counts. */
export function auditCounts(a: Audit): Record<string, number> {
  return {
    "instances checked": a.servers.length + a.lost.length,
    active: a.active.length,
    error: a.error.length,
    lost: a.lost.length,
    stuck: a.stuck.length,
    duplicates: a.extra.length + a.builtWrong.length,
    "hosts with wrong usage": a.usageMismatch.length,
  };
}

/** Member clients of `n` fresh projects (the default quota is 10 servers a project). */
export async function projectClients(stack: Stack, prefix: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      stack.compute({ user: `${prefix}-user${i}`, project: `${prefix}-p${i}` }),
    ),
  );
}

/** POST /servers of one m1.tiny without a network; the response as it came. */
export const postServer = (stack: Stack, api: ApiClient, name: string) =>
  api.post("/servers", {
    server: { name, imageRef: stack.imageId, flavorRef: "1", networks: "none" },
  });
