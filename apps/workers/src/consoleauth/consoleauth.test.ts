// consoleauth on the in-memory bus, with a conductor and a compute host that keep their state in
// maps: the whole life of a token — issued, checked, refused for each reason.
import { randomUUID } from "node:crypto";
import {
  authorizeConsole,
  checkConsoleToken,
  getConsoleToken,
  getVncConsole,
  handler,
  RpcError,
  storeConsoleToken,
  type ConsoleTokenFields,
  type ConsoleTokenRecord,
  type RequestContext,
} from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consoleauthHandlers } from "./consoleauth";
import { hashToken } from "./tokens";

const TTL = 600;
const ctx: RequestContext = { requestId: "req-1", userId: "alice", projectId: "p1" };

let bus: MemoryBus;
let clock: number;
let uuid: string;
/** The conductor's console_auth_tokens, by hash. */
let stored: Map<string, ConsoleTokenFields>;
let instance: ConsoleTokenRecord["instance"];
/** What the compute host says about the display; an RpcError to refuse. */
let display: { host: string; port: number } | RpcError;

beforeEach(async () => {
  bus = createMemoryBus();
  clock = Date.parse("2026-11-21T10:00:00.000Z");
  uuid = randomUUID();
  stored = new Map();
  instance = { vmState: "active", taskState: null, powerState: 1, host: "node1", deleted: false };
  display = { host: "127.0.0.1", port: 5900 };
  await bus.serve({ service: "conductor" }, [
    handler(storeConsoleToken, (req) => {
      stored.set(req.tokenHash, req);
      return {};
    }),
    handler(getConsoleToken, (req) => {
      const t = stored.get(req.tokenHash);
      if (!t) return { record: null };
      const { tokenHash: _hash, ...fields } = t;
      return { record: { ...fields, instance } };
    }),
  ]);
  await bus.serve({ service: "compute", host: "node1" }, [
    handler(getVncConsole, () => {
      if (display instanceof RpcError) throw display;
      return display;
    }),
  ]);
  await bus.serve(
    { service: "consoleauth" },
    consoleauthHandlers({ bus, ttlSeconds: TTL, now: () => new Date(clock) }),
  );
});

afterEach(() => bus.close());

const issue = () =>
  bus.call(
    authorizeConsole,
    {
      consoleType: "novnc",
      instanceUuid: uuid,
      computeHost: "node1",
      host: "127.0.0.1",
      port: 5900,
    },
    { ctx },
  );

const check = (token: string) => bus.call(checkConsoleToken, { token }, { ctx });

describe("authorize_console", () => {
  it("issues a random URL-safe token and stores only its SHA-256, with who asked and the expiry", async () => {
    const a = await issue();
    const b = await issue();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.token).not.toBe(a.token);
    expect(a.expiresAt).toBe(new Date(clock + TTL * 1000).toISOString());

    const row = stored.get(hashToken(a.token));
    expect(row).toMatchObject({
      instanceUuid: uuid,
      computeHost: "node1",
      host: "127.0.0.1",
      port: 5900,
      consoleType: "novnc",
      userId: "alice",
      projectId: "p1",
      expiresAt: a.expiresAt,
    });
    expect(JSON.stringify([...stored])).not.toContain(a.token);
  });
});

describe("check_token", () => {
  it("opens the display its compute host reports now", async () => {
    const { token } = await issue();
    expect(await check(token)).toMatchObject({
      valid: true,
      tokenHash: hashToken(token),
      instanceUuid: uuid,
      host: "127.0.0.1",
      port: 5900,
      userId: "alice",
    });
    // A hard reboot gave the guest another port: the token follows its instance, not the port.
    display = { host: "127.0.0.1", port: 5917 };
    expect(await check(token)).toMatchObject({ valid: true, port: 5917 });
  });

  it("keeps the token's address while the compute host does not answer", async () => {
    const { token } = await issue();
    display = new RpcError("unavailable", "no compute");
    expect(await check(token)).toMatchObject({ valid: true, port: 5900 });
  });

  it("stays valid until the expiry, and is refused as expired from then on", async () => {
    const { token } = await issue();
    clock += TTL * 1000 - 1;
    expect(await check(token)).toMatchObject({ valid: true });
    clock += 1;
    expect(await check(token)).toEqual({
      valid: false,
      reason: "token_expired",
      message: "This console link has expired. Open the console again to get a new one.",
    });
  });

  it("refuses a made-up token", async () => {
    await issue();
    expect(await check("not-a-token-anyone-was-given")).toMatchObject({
      valid: false,
      reason: "token_unknown",
    });
  });

  it("refuses a token of a deleted instance", async () => {
    const { token } = await issue();
    instance = { ...instance, vmState: "deleted", powerState: 0, deleted: true };
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_deleted" });
  });

  it("refuses a token once the instance stopped, and again after it started", async () => {
    const { token } = await issue();
    // Being stopped already: a session opened now would only watch it go.
    instance = { ...instance, taskState: "powering-off" };
    expect(await check(token)).toEqual({
      valid: false,
      reason: "instance_not_running",
      message: "The instance is being stopped.",
    });
    instance = { ...instance, taskState: null };
    instance = { ...instance, vmState: "stopped", powerState: 4 };
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_not_running" });
    instance = { ...instance, vmState: "active", powerState: 1 };
    expect(await check(token)).toMatchObject({ valid: true });
  });

  it("asks to wait while a reboot or a start brings the display back", async () => {
    const { token } = await issue();
    instance = { ...instance, taskState: "rebooting_hard", powerState: 4 };
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_busy" });
    instance = { ...instance, vmState: "stopped", taskState: "powering-on" };
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_busy" });
  });

  it("says a token of an instance being deleted is of a deleted instance", async () => {
    const { token } = await issue();
    instance = { ...instance, taskState: "deleting" };
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_deleted" });
  });

  it("refuses when the compute host no longer has the guest's display", async () => {
    const { token } = await issue();
    display = new RpcError("conflict", `Instance ${uuid} is not ready`);
    expect(await check(token)).toMatchObject({ valid: false, reason: "instance_not_running" });
  });

  it("refuses a token once its instance is on another host", async () => {
    const { token } = await issue();
    instance = { ...instance, host: "node2" };
    expect(await check(token)).toMatchObject({ valid: false, reason: "host_mismatch" });
  });
});
