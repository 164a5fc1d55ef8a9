// The conductor's side of consoles on a throwaway database: where a server's display is, and the
// token records consoleauth keeps through it (stored as hashes, gone with their instance or once
// expired).
import { createHash, randomUUID } from "node:crypto";
import {
  consoleConnectInfo,
  createServers,
  getConsoleToken,
  getServer,
  serverAction,
  storeConsoleToken,
  type ConsoleTokenFields,
} from "@nimbus/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpiredTokens } from "../repositories/console-tokens";
import {
  createHarness,
  OTHER_PROJECT,
  PROJECT,
  USER,
  userCtx,
  type Harness,
  refusal,
} from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a", { vcpus: 64 });
});
afterAll(() => h?.close());

async function activeServer(): Promise<string> {
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
  await h.bus.idle();
  const uuid = servers[0]!.uuid;
  const server = await h.bus.call(getServer, { uuid, projectId: PROJECT }, { ctx: userCtx() });
  expect(server.vmState).toBe("active");
  return uuid;
}

const act = (uuid: string, action: "stop" | "start" | "delete") =>
  h.bus.call(serverAction, { uuid, projectId: PROJECT, action }, { ctx: userCtx() });

const connectInfo = (uuid: string, projectId: string | null = PROJECT) =>
  h.bus.call(consoleConnectInfo, { uuid, projectId }, { ctx: userCtx() });

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

function tokenFor(uuid: string, token: string, expiresInMs = 600_000): ConsoleTokenFields {
  return {
    tokenHash: hash(token),
    consoleType: "novnc",
    instanceUuid: uuid,
    computeHost: "host-a",
    host: "127.0.0.1",
    port: 5900,
    userId: USER,
    projectId: PROJECT,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  };
}

const store = (t: ConsoleTokenFields) => h.bus.call(storeConsoleToken, t, { ctx: userCtx() });
const lookup = async (token: string) =>
  (await h.bus.call(getConsoleToken, { tokenHash: hash(token) }, { ctx: userCtx() })).record;

describe("console_connect_info", () => {
  it("asks the server's compute host where its display is", async () => {
    const uuid = await activeServer();
    expect(await connectInfo(uuid)).toEqual({
      instanceUuid: uuid,
      computeHost: "host-a",
      host: "127.0.0.1",
      port: 5900,
    });
    expect(await connectInfo(uuid, null)).toMatchObject({ instanceUuid: uuid });
  });

  it("does not find another project's server, nor a name", async () => {
    const uuid = await activeServer();
    expect(await refusal(connectInfo(uuid, OTHER_PROJECT))).toEqual({
      code: "not_found",
      message: `Instance ${uuid} could not be found.`,
    });
    expect((await refusal(connectInfo("vm"))).code).toBe("not_found");
  });

  it("says a stopped server is not ready, as Nova does", async () => {
    const uuid = await activeServer();
    await act(uuid, "stop");
    await h.bus.idle();
    expect(await refusal(connectInfo(uuid))).toEqual({
      code: "conflict",
      message: `Instance ${uuid} is not ready`,
    });
    await act(uuid, "start");
    await h.bus.idle();
    expect(await connectInfo(uuid)).toMatchObject({ port: 5900 });
  });
});

describe("console tokens", () => {
  it("are stored as hashes with who asked, and read back with their instance's state", async () => {
    const uuid = await activeServer();
    const token = randomUUID();
    const fields = tokenFor(uuid, token);
    await store(fields);
    await store(fields); // a call run twice stores it once
    const { tokenHash: _h, ...rest } = fields;
    expect(await lookup(token)).toEqual({
      ...rest,
      instance: {
        vmState: "active",
        taskState: null,
        powerState: 1,
        host: "host-a",
        deleted: false,
      },
    });
    const rows = await h.db.$queryRaw<{ token_hash: string }[]>`
      SELECT token_hash FROM console_auth_tokens WHERE instance_uuid = ${uuid}`;
    expect(rows).toEqual([{ token_hash: hash(token) }]);
    expect(await lookup("never-issued")).toBeNull();
  });

  it("show the instance's state now (stopped)", async () => {
    const uuid = await activeServer();
    const token = randomUUID();
    await store(tokenFor(uuid, token));
    await act(uuid, "stop");
    await h.bus.idle();
    expect((await lookup(token))?.instance).toMatchObject({ vmState: "stopped", powerState: 4 });
  });

  it("are refused for an instance that does not exist", async () => {
    const uuid = randomUUID();
    expect(await refusal(store(tokenFor(uuid, "t")))).toEqual({
      code: "not_found",
      message: `Instance ${uuid} could not be found.`,
    });
  });

  it("go with their instance when it is deleted, and cannot be stored for it afterwards", async () => {
    const uuid = await activeServer();
    const token = randomUUID();
    await store(tokenFor(uuid, token));
    await act(uuid, "delete");
    await h.bus.idle();
    expect(await lookup(token)).toBeNull();
    expect((await refusal(store(tokenFor(uuid, randomUUID())))).code).toBe("not_found");
  });

  it("are purged once expired, and kept until then", async () => {
    const uuid = await activeServer();
    const old = randomUUID();
    const fresh = randomUUID();
    await store(tokenFor(uuid, old, -1000));
    await store(tokenFor(uuid, fresh));
    expect(await purgeExpiredTokens(h.db, new Date())).toBeGreaterThanOrEqual(1);
    expect(await lookup(old)).toBeNull();
    expect(await lookup(fresh)).not.toBeNull();
  });
});
