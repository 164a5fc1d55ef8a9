// Small factories and readers over a stack's compute API, shared by the system tests.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { ApiClient } from "./client";
import type { ServerView, Stack } from "./stack";

/** The seeded flavors the tests use (packages/db's DEFAULT_FLAVORS). */
export const FLAVORS = {
  tiny: { id: "1", ram: 512, vcpus: 1, disk: 1 },
  small: { id: "2", ram: 2048, vcpus: 1, disk: 20 },
  medium: { id: "3", ram: 4096, vcpus: 2, disk: 40 },
  xlarge: { id: "5", ram: 16384, vcpus: 8, disk: 160 },
} as const;

export interface CreateOptions {
  name?: string;
  flavorRef?: string;
  /** a server group (os:scheduler_hints.group) */
  group?: string;
  /** availability_zone; admins may force a host with "zone:host" */
  zone?: string;
}

/** POST /servers; expects 202 and returns the new server's id. */
export async function createServer(
  stack: Stack,
  api: ApiClient,
  opts: CreateOptions = {},
): Promise<string> {
  const res = await api.post("/servers", {
    server: {
      name: opts.name ?? `srv-${randomUUID().slice(0, 8)}`,
      imageRef: stack.imageId,
      flavorRef: opts.flavorRef ?? FLAVORS.tiny.id,
      networks: "none",
      ...(opts.zone && { availability_zone: opts.zone }),
    },
    ...(opts.group && { "os:scheduler_hints": { group: opts.group } }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.server.id as string;
}

/** POST /servers/{id}/action with `body`; the response as it came. */
export const serverAction = (api: ApiClient, id: string, body: Record<string, unknown>) =>
  api.post(`/servers/${id}/action`, body);

export const isActive = (s: ServerView) =>
  s.status === "ACTIVE" && s["OS-EXT-STS:task_state"] === null;
export const isSettled = (s: ServerView) =>
  (s.status === "ACTIVE" || s.status === "ERROR") && s["OS-EXT-STS:task_state"] === null;

/** Every server of every project (admin, all_tenants). */
export async function allServers(stack: Stack): Promise<ServerView[]> {
  const admin = await stack.compute();
  const res = await admin.get<{ servers: ServerView[] }>(
    "/servers/detail?all_tenants=1&limit=1000",
  );
  expect(res.status).toBe(200);
  return res.body.servers;
}

export interface HostUsage {
  memoryMb: number;
  vcpus: number;
  diskGb: number;
  runningVms: number;
}

/** What each compute host's hypervisor has claimed, by host (os-hypervisors at 2.87, the last with usage). */
export async function hostUsage(stack: Stack): Promise<Map<string, HostUsage>> {
  const admin = await stack.compute(undefined, "2.87");
  const res = await admin.get("/os-hypervisors/detail");
  expect(res.status).toBe(200);
  const out = new Map<string, HostUsage>();
  for (const h of res.body.hypervisors) {
    out.set(h.service.host, {
      memoryMb: h.memory_mb_used,
      vcpus: h.vcpus_used,
      diskGb: h.local_gb_used,
      runningVms: h.running_vms,
    });
  }
  return out;
}

/** The usage the servers placed on `host` should add up to. */
export function expectedUsage(servers: ServerView[], host: string): Omit<HostUsage, "runningVms"> {
  const on = servers.filter((s) => s["OS-EXT-SRV-ATTR:host"] === host);
  return {
    memoryMb: on.reduce((n, s) => n + s.flavor.ram, 0),
    vcpus: on.reduce((n, s) => n + s.flavor.vcpus, 0),
    diskGb: on.reduce((n, s) => n + s.flavor.disk, 0),
  };
}

/** A compute service's id (a uuid from 2.53) by host. */
export async function computeServiceId(stack: Stack, host: string): Promise<string> {
  const admin = await stack.compute();
  const res = await admin.get(`/os-services?binary=nova-compute&host=${host}`);
  expect(res.status).toBe(200);
  expect(res.body.services).toHaveLength(1);
  return res.body.services[0].id as string;
}

/** The create action of a server with its events (as admin: hosts, tracebacks, details). */
export async function createAction(stack: Stack, id: string) {
  const admin = await stack.compute();
  const list = await admin.get(`/servers/${id}/os-instance-actions`);
  expect(list.status).toBe(200);
  const creates = list.body.instanceActions.filter(
    (a: { action: string }) => a.action === "create",
  );
  expect(creates).toHaveLength(1);
  const show = await admin.get(`/servers/${id}/os-instance-actions/${creates[0].request_id}`);
  expect(show.status).toBe(200);
  return show.body.instanceAction as {
    action: string;
    message: string | null;
    events: Array<{
      event: string;
      result: string | null;
      host?: string;
      traceback?: string | null;
      details?: string | null;
    }>;
  };
}

/** Delete every server of the stack and wait until they are gone. */
export async function deleteAll(stack: Stack, timeoutMs = 60_000): Promise<void> {
  const admin = await stack.compute();
  const servers = await allServers(stack);
  await Promise.all(
    servers.map(async (s) => {
      const res = await admin.delete(`/servers/${s.id}`);
      expect([204, 404]).toContain(res.status);
    }),
  );
  await Promise.all(servers.map((s) => stack.waitForServerGone(s.id, timeoutMs)));
}

/** POST /os-server-groups as `api` (the group's owner); returns the new group's id. */
export async function createServerGroup(
  api: ApiClient,
  policy: "affinity" | "anti-affinity" | "soft-affinity" | "soft-anti-affinity",
): Promise<string> {
  const res = await api.post("/os-server-groups", {
    server_group: { name: `group-${randomUUID().slice(0, 8)}`, policy },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.server_group.id as string;
}
