import { randomUUID } from "node:crypto";
import {
  createServers,
  instanceUpdate,
  isRpcError,
  serverAction,
  type HandlerMeta,
  type Instance,
} from "@nimbus/rpc";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, PROJECT, userCtx, type Harness } from "../testing";
import { instanceUpdateHandler } from "./instance-update";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a");
});
afterAll(() => h?.close());

async function stopping(): Promise<Instance> {
  const { servers } = await h.bus.call(
    createServers,
    {
      name: "vm",
      imageRef: h.imageId,
      flavorRef: "1",
      minCount: 1,
      maxCount: 1,
      availabilityZone: null,
      forceHost: null,
      keyName: null,
      metadata: {},
      userData: null,
      description: null,
      hostname: null,
      serverGroup: null,
      schedulerHints: {},
      accessIpV4: null,
      accessIpV6: null,
    },
    { ctx: userCtx() },
  );
  h.computes.get("host-a")!.auto = false; // the stop waits on the host
  return h.bus.call(
    serverAction,
    { uuid: servers[0]!.uuid, projectId: PROJECT, action: "stop" },
    { ctx: userCtx() },
  );
}

const stopped = (uuid: string, host = "host-a") =>
  instanceUpdate.request.parse({
    uuid,
    host,
    expectedTaskState: ["powering-off"],
    changes: { vmState: "stopped", taskState: null, powerState: 4 },
    event: { event: "compute_stop_instance", phase: "finish", result: "Success" },
  });

const meta = (): HandlerMeta => ({
  ctx: userCtx(),
  messageId: randomUUID(),
  redelivered: false,
  deliveryCount: 0,
  version: "1.0",
  logger: pino({ level: "silent" }),
});

describe("instance_update", () => {
  it("records the host's outcome once; the same call run again answers with the server", async () => {
    const s = await stopping();
    const fn = instanceUpdateHandler(h.conductor).fn;
    const m = meta();
    const first = (await fn(stopped(s.uuid), m)) as Instance;
    expect(first).toMatchObject({ vmState: "stopped", taskState: null, powerState: 4 });
    const again = (await fn(stopped(s.uuid), { ...m, redelivered: true })) as Instance;
    expect(again).toMatchObject({ vmState: "stopped", taskState: null, powerState: 4 });
    // A different message expecting the same task state lost the race: that is a conflict.
    const late = await Promise.resolve(fn(stopped(s.uuid), meta())).catch((e: unknown) => e);
    expect(isRpcError(late, "conflict")).toBe(true);
    expect((late as Error).message).toBe(
      `Conflict updating instance ${s.uuid}. Expected: {'task_state': ['powering-off']}. Actual: {'task_state': None}`,
    );
    h.computes.get("host-a")!.auto = true;
  });

  it("refuses an update from another host, or about a deleted server", async () => {
    const s = await stopping();
    const wrong = await h.bus
      .call(instanceUpdate, stopped(s.uuid, "host-x"), { ctx: userCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(wrong, "conflict")).toBe(true);
    await h.db.$executeRaw`UPDATE instances SET deleted = id WHERE uuid = ${s.uuid}`;
    const gone = await h.bus
      .call(instanceUpdate, stopped(s.uuid), { ctx: userCtx() })
      .catch((e: unknown) => e);
    expect(isRpcError(gone, "conflict")).toBe(true);
    h.computes.get("host-a")!.auto = true;
  });
});
