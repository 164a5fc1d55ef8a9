// A stand-in for the conductor, served on any bus, for the compute's tests: it records every message
// it gets and answers like the real one would from a small in-memory table of servers (with the
// compare-and-swap on the task state that makes stale outcomes fail with `conflict`).
import { randomUUID } from "node:crypto";
import {
  actionEvent,
  buildFailed,
  getImage,
  getServer,
  handler,
  hostInstances,
  instanceDestroyed,
  instanceUpdate,
  powerSync,
  RpcError,
  serviceReport,
  startBuild,
  type Bus,
  type Image,
  type Instance,
  type Server,
} from "@nimbus/rpc";
import { waitFor } from "@nimbus/rpc/testing";

export interface Received {
  name: string;
  payload: Record<string, unknown>;
  at: number;
}

export interface FakeConductor {
  readonly received: Received[];
  /** The servers it knows, by uuid (deleted ones are removed and listed in `deleted`). */
  readonly instances: Map<string, Instance>;
  readonly deleted: Set<string>;
  readonly images: Map<string, Image>;
  /** The attempt each server's build is at (1 unless set). */
  readonly attempts: Map<string, number>;
  /**
   * Run `fn` instead of the handler of `name` (it may call `next` to run the handler, and throw
   * before or after it), until the returned function is called.
   */
  intercept(
    name: string,
    fn: (payload: Record<string, unknown>, next: () => unknown) => unknown,
  ): () => void;
  /** Payloads of one message name, oldest first. */
  of(name: string): Array<Record<string, unknown>>;
  /** Wait for a message of that name matching `match`; returns its payload. */
  waitFor(
    name: string,
    match?: (p: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function serveFakeConductor(bus: Bus): Promise<FakeConductor> {
  const received: Received[] = [];
  const instances = new Map<string, Instance>();
  const deleted = new Set<string>();
  const images = new Map<string, Image>();
  const attempts = new Map<string, number>();
  const hooks = new Map<
    string,
    (payload: Record<string, unknown>, next: () => unknown) => unknown
  >();
  const record = (name: string, payload: object) => {
    received.push({ name, payload: payload as Record<string, unknown>, at: performance.now() });
  };
  /** Record the message, then answer it (through an interceptor if one is set). */
  const answer =
    <P extends object, R>(name: string, fn: (payload: P) => R) =>
    async (payload: P): Promise<R> => {
      record(name, payload);
      const hook = hooks.get(name);
      return hook
        ? ((await hook(payload as Record<string, unknown>, () => fn(payload))) as R)
        : fn(payload);
    };
  const find = (uuid: string) => {
    const instance = instances.get(uuid);
    if (!instance) throw new RpcError("not_found", `Instance ${uuid} could not be found.`);
    return instance;
  };
  const now = () => new Date().toISOString();

  const server: Server = await bus.serve({ service: "conductor" }, [
    handler(
      startBuild,
      answer("start_build", (req) => {
        const instance = instances.get(req.uuid);
        const ours =
          instance?.host === req.host &&
          (attempts.get(req.uuid) ?? 1) === req.attempt &&
          instance.taskState === "scheduling";
        if (!instance || !ours) return { proceed: false, instance: null };
        instance.taskState = "spawning";
        instance.updatedAt = now();
        return { proceed: true, instance };
      }),
    ),
    handler(
      actionEvent,
      answer("action_event", () => ({})),
    ),
    handler(
      instanceUpdate,
      answer("instance_update", (req) => {
        const instance = find(req.uuid);
        if (instance.host !== req.host) throw new RpcError("conflict", "not on this host");
        if (req.expectedTaskState && !req.expectedTaskState.includes(instance.taskState)) {
          throw new RpcError("conflict", `task state is ${instance.taskState}`);
        }
        const { resize, ...changes } = req.changes;
        Object.assign(instance, changes, { updatedAt: now() });
        if (resize === "finished" && instance.newFlavor) {
          instance.oldFlavor = instance.flavor;
          instance.flavor = instance.newFlavor;
          instance.newFlavor = null;
        } else if (resize === "confirmed") {
          instance.oldFlavor = null;
        } else if (resize === "reverted" && instance.oldFlavor) {
          instance.flavor = instance.oldFlavor;
          instance.oldFlavor = null;
        }
        if (req.fault) instance.fault = { ...req.fault, createdAt: now() };
        return instance;
      }),
    ),
    handler(
      buildFailed,
      answer("build_failed", (req) => {
        const instance = find(req.uuid);
        Object.assign(instance, {
          vmState: "error",
          taskState: null,
          host: null,
          fault: {
            code: 500,
            message: req.reason,
            details: req.traceback ?? null,
            createdAt: now(),
          },
        });
        return { rescheduled: false };
      }),
    ),
    handler(
      instanceDestroyed,
      answer("instance_destroyed", (req) => {
        instances.delete(req.uuid);
        deleted.add(req.uuid);
        return {};
      }),
    ),
    handler(
      hostInstances,
      answer("host_instances", (req) => {
        return {
          instances: [...instances.values()].filter((i) => i.host === req.host),
          deletedUuids: [...deleted],
        };
      }),
    ),
    handler(
      powerSync,
      answer("power_sync", (req) => {
        for (const s of req.states) {
          const instance = instances.get(s.uuid);
          if (instance) instance.powerState = s.powerState;
        }
        return {};
      }),
    ),
    handler(
      serviceReport,
      answer("service_report", () => ({ serviceId: 1, disabled: false, forcedDown: false })),
    ),
    handler(
      getServer,
      answer("get_server", (req) => {
        return find(req.uuid);
      }),
    ),
    handler(
      getImage,
      answer("get_image", (req) => {
        const image = images.get(req.id);
        if (!image) throw new RpcError("not_found", `Image ${req.id} could not be found.`);
        return image;
      }),
    ),
  ]);

  const of = (name: string) => received.filter((r) => r.name === name).map((r) => r.payload);
  return {
    received,
    instances,
    deleted,
    images,
    attempts,
    intercept(name, fn) {
      hooks.set(name, fn);
      return () => hooks.delete(name);
    },
    of,
    waitFor: (name, match = () => true, timeoutMs = 10_000) =>
      waitFor(() => of(name).find(match), { timeoutMs, what: `conductor.${name}` }),
    close: () => server.close(),
  };
}

/** A server as the conductor would hand it over, building on `host` unless overridden. */
export function fakeInstance(overrides: Partial<Instance> = {}): Instance {
  const at = new Date().toISOString();
  return {
    uuid: randomUUID(),
    name: "test server",
    hostname: "test-server",
    description: null,
    projectId: "project-1",
    userId: "user-1",
    vmState: "building",
    taskState: "scheduling",
    powerState: 0,
    host: "compute-1",
    node: "compute-1",
    availabilityZone: "nova",
    flavor: {
      id: "1",
      name: "m1.tiny",
      memoryMb: 128,
      vcpus: 1,
      rootGb: 1,
      ephemeralGb: 0,
      swap: 0,
      extraSpecs: {},
    },
    oldFlavor: null,
    newFlavor: null,
    imageRef: "5d2e4c3a-0000-4000-8000-000000000001",
    keyName: null,
    metadata: {},
    userData: null,
    locked: false,
    lockedReason: null,
    launchIndex: 0,
    reservationId: "r-test",
    progress: 0,
    accessIpV4: null,
    accessIpV6: null,
    serverGroups: [],
    pinnedAvailabilityZone: null,
    imageProperties: {},
    schedulerHints: {},
    createdAt: at,
    updatedAt: at,
    launchedAt: null,
    terminatedAt: null,
    deletedAt: null,
    fault: null,
    ...overrides,
  };
}
