// The cloud a benchmark measures: a stack of its own (e2e/stack: every process real, on a
// throwaway database and vhost), or a running one given by --url and an admin's credentials.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { client, type ApiClient } from "../../e2e/stack/client";
import { observeStack, type StackEvents } from "../../e2e/stack/events";
import { startStack, type Stack, type StackOptions } from "../../e2e/stack/stack";

export interface RunningCloud {
  url: string;
  user: string;
  password: string;
  project: string;
  /** the cloud's RabbitMQ (to see notifications); without it, servers are polled through the API */
  amqpUrl?: string;
  /** the image to boot; else the first active one the image API lists */
  image?: string;
}

export type Settled = { state: "active" | "error"; at: number };

export interface Cloud {
  url: string;
  /** the compute API as the admin (microversion 2.100) */
  api: ApiClient;
  projectId: string;
  imageId: string;
  /** set when the benchmark started the cloud itself */
  stack?: Stack;
  /** how "ACTIVE" is observed, in words */
  observedBy: string;
  /**
   * When the server was first seen ACTIVE with no task (or ERROR): performance.now() at the moment
   * the notification (or the GET) arrived in this process.
   */
  settled(uuid: string, timeoutMs?: number): Promise<Settled>;
  close(): Promise<void>;
}

const MICROVERSION = "2.100";
const isSettled = (vmState: string, taskState: string | null) =>
  (vmState === "active" && taskState === null) || vmState === "error";

function settledByEvents(events: StackEvents) {
  return async (uuid: string, timeoutMs = 120_000): Promise<Settled> => {
    const i = await events.waitFor(uuid, (x) => isSettled(x.vmState, x.taskState), timeoutMs);
    const at = performance.now();
    return { state: i.vmState === "error" ? "error" : "active", at };
  };
}

function settledByPolling(api: ApiClient, everyMs: number) {
  return async (uuid: string, timeoutMs = 120_000): Promise<Settled> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await api.get(`/servers/${uuid}`);
      const at = performance.now();
      const s = res.body?.server;
      if (res.status === 200 && isSettled(s["OS-EXT-STS:vm_state"], s["OS-EXT-STS:task_state"]))
        return { state: s["OS-EXT-STS:vm_state"] === "error" ? "error" : "active", at };
      if (Date.now() > deadline) throw new Error(`server ${uuid} not settled in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
}

/** A password login scoped to a project: a compute API client and the project's id. */
async function login(url: string, user: string, password: string, project: string) {
  const domain = { name: "Default" };
  const res = await fetch(`${url}/identity/v3/auth/tokens?nocatalog`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: user, domain, password } } },
        scope: { project: { name: project, domain } },
      },
    }),
  });
  const token = res.headers.get("x-subject-token");
  if (res.status !== 201 || !token)
    throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return {
    token,
    projectId: body.token.project.id,
    api: client(`${url}/compute/v2.1`, {
      "x-auth-token": token,
      "openstack-api-version": `compute ${MICROVERSION}`,
    }),
  };
}

const BY_BUS =
  "the instance.update notification on the bus (a subscriber in the benchmark process)";

/**
 * With `profileDir`, every node process of the stack writes a V8 CPU profile there when it exits
 * (<profileDir>/<process>/*.cpuprofile, read by lib/profile.ts).
 */
export async function ownCloud(options: StackOptions, profileDir?: string): Promise<Cloud> {
  const stack = await startStack(profileDir ? profiled(options, profileDir) : options);
  try {
    const { api, projectId } = await login(stack.url, "admin", stack.adminPassword, "admin");
    return {
      url: stack.url,
      api,
      projectId,
      imageId: stack.imageId,
      stack,
      observedBy: BY_BUS,
      settled: settledByEvents(stack.events),
      close: () => stack.stop(),
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

export async function runningCloud(r: RunningCloud): Promise<Cloud> {
  const { token, api, projectId } = await login(r.url, r.user, r.password, r.project);
  let imageId = r.image;
  if (!imageId) {
    const images = await client(`${r.url}/image`, { "x-auth-token": token }).get(
      "/v2/images?status=active&limit=1",
    );
    imageId = images.body?.images?.[0]?.id;
    if (!imageId) throw new Error("no active image to boot: pass --image");
  }
  const events = r.amqpUrl ? await observeStack(r.amqpUrl) : undefined;
  return {
    url: r.url,
    api,
    projectId,
    imageId,
    observedBy: events ? BY_BUS : "GET /servers/{id} every 20 ms (no --amqp-url given)",
    settled: events ? settledByEvents(events) : settledByPolling(api, 20),
    close: async () => {
      await events?.close();
    },
  };
}

function profiled(options: StackOptions, dir: string): StackOptions {
  return {
    ...options,
    // A directory per process: node writes a profile per thread (tsx's loader runs in one).
    nodeArgs: (name) => ["--cpu-prof", `--cpu-prof-dir=${join(dir, name.replace(":", "-"))}`],
  };
}

/**
 * A flavor as small as Nova allows (1 vCPU, 16 MB, no disk) and no quota limits for the admin's
 * project, so that benchmarks measure the boot path, not the quota or the test hypervisor's
 * size. Both are undone by the returned function.
 */
export async function prepareBoots(
  cloud: Cloud,
): Promise<{ flavorRef: string; undo(): Promise<void> }> {
  const name = `bench-nano-${randomBytes(3).toString("hex")}`;
  const created = await cloud.api.post("/flavors", {
    flavor: { name, ram: 16, vcpus: 1, disk: 0, "os-flavor-access:is_public": true },
  });
  if (created.status !== 200)
    throw new Error(`flavor: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const flavorRef = created.body.flavor.id as string;
  const path = `/os-quota-sets/${cloud.projectId}`;
  const before = (await cloud.api.get(path)).body?.quota_set ?? {};
  const set = await cloud.api.put(path, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  if (set.status !== 200) throw new Error(`quota: HTTP ${set.status} ${JSON.stringify(set.body)}`);
  return {
    flavorRef,
    async undo() {
      await cloud.api.put(path, {
        quota_set: { instances: before.instances, cores: before.cores, ram: before.ram },
      });
      await cloud.api.delete(`/flavors/${flavorRef}`);
    },
  };
}

/** Compute hosts on libvirt's test hypervisor, sized so that a thousand nano servers fit. */
export const testHosts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    host: `bench-${i + 1}`,
    env: { NIMBUS_CPU_ALLOCATION_RATIO: "100", NIMBUS_RAM_ALLOCATION_RATIO: "20" },
  }));
