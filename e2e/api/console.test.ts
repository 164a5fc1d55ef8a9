// The remote console on a whole cloud with a real TCG guest: a member asks for a console URL,
// speaks RFB through the proxy as noVNC would (upgrade with the page's Origin, the guest's
// RFB 003.008 greeting, the handshake, a framebuffer update of its screen), and every refusal comes
// back with the close code and the words the page shows: another site's page, a made-up token,
// an expired one, one used after the instance stopped, one of a deleted instance. The stock CLI's
// `console url show` prints a URL that works the same way.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { CONSOLE_CLOSE } from "@nimbus/rpc/domain";
import * as mariadb from "mariadb";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { ApiClient } from "../stack/client";
import { websocketUrlOf, tokenOf, RfbClient } from "../stack/rfb";
import { createServer, isActive, serverAction } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

const HOST = "node-console";
const BOOT_MS = 120_000;
const BANNER = /NIMBUS TINY LINUX \S+ BOOTED/;

let stack: Stack;
let alice: ApiClient;
let id: string;

beforeAll(async () => {
  stack = await startStack({
    name: "console",
    computes: [
      { host: HOST, libvirtUri: "qemu:///system", env: { NIMBUS_SHUTDOWN_TIMEOUT: "30" } },
    ],
  });
  alice = await stack.compute({ user: "alice", project: "p1" });
  id = await createServer(stack, alice, { name: "console-guest" });
  await stack.waitForServer(id, isActive, BOOT_MS);
  await waitForBanner();
}, 3 * BOOT_MS);

afterAll(async () => {
  await stack?.stop();
});

/** Until the guest's banner is in its console log: it booted, its display shows a shell. */
async function waitForBanner() {
  const deadline = Date.now() + BOOT_MS;
  for (;;) {
    const res = await serverAction(alice, id, { "os-getConsoleOutput": {} });
    if (BANNER.test(res.body?.output ?? "")) return;
    if (Date.now() > deadline) throw new Error(`no boot banner within ${BOOT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A console URL for the server, as POST /servers/{id}/remote-consoles gives it to alice. */
async function consoleUrl(): Promise<string> {
  const res = await alice.post(
    `/servers/${id}/remote-consoles`,
    { remote_console: { protocol: "vnc", type: "novnc" } },
    { "openstack-api-version": "compute 2.6" },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.remote_console.url as string;
}

const open = (url: string, origin = stack.url) => RfbClient.open(websocketUrlOf(url), origin);

/** Connect and expect the proxy to close at once with `reason`'s code and words. */
async function expectRefused(url: string, reason: keyof typeof CONSOLE_CLOSE) {
  const client = await open(url);
  expect(await client.closed).toEqual({
    code: CONSOLE_CLOSE[reason].code,
    reason: CONSOLE_CLOSE[reason].text,
  });
}

/** Until the greeting: the proxy is relaying from the guest's display. */
async function greeted(url: string): Promise<RfbClient> {
  const client = await open(url);
  expect((await client.read(12)).toString("latin1")).toBe("RFB 003.008\n");
  return client;
}

async function act(body: Record<string, unknown>, status: string) {
  const res = await serverAction(alice, id, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const server = await stack.waitForServer(
    id,
    (s) => s["OS-EXT-STS:task_state"] === null && s.status === status,
    BOOT_MS,
  );
  expect(server.status).toBe(status);
}

describe("the console of a real guest", { timeout: 3 * BOOT_MS }, () => {
  test("speaks RFB through the proxy: greeting, handshake, and a frame of the guest's screen", async () => {
    onTestFailed(async () => console.log(await stack.logTail(30)));
    const url = await consoleUrl();
    expect(new URL(url).pathname).toBe("/console");
    const client = await open(url);
    const init = await client.handshake();
    expect(init.version).toBe("RFB 003.008\n");
    expect(init.securityTypes).toContain(1);
    // The VGA text console of the tiny guest: 720×400, named after its domain.
    expect(init.width).toBeGreaterThan(0);
    expect(init.height).toBeGreaterThan(0);
    expect(init.name).toContain(`instance-${id}`);

    client.requestFrame(init.width, init.height);
    const rects = await client.readFrame();
    expect(rects.length).toBeGreaterThan(0);
    const covered = rects.reduce((n, r) => n + r.width * r.height, 0);
    expect(covered).toBe(init.width * init.height);
    // Text on a black screen: some pixels are lit.
    const lit = rects.some((r) => r.pixels.some((byte) => byte !== 0));
    expect(lit).toBe(true);
    client.close();
    await client.closed;
  });

  test("refuses a page of another origin before the upgrade (403)", async () => {
    const url = await consoleUrl();
    await expect(open(url, "http://evil.example")).rejects.toMatchObject({ status: 403 });
  });

  test("refuses a made-up token", async () => {
    const url = await consoleUrl();
    const madeUp = url.replace(tokenOf(url), "A".repeat(43));
    await expectRefused(madeUp, "token_unknown");
  });

  test("refuses an expired token", async () => {
    const url = await consoleUrl();
    const hash = createHash("sha256").update(tokenOf(url)).digest("hex");
    const conn = await mariadb.createConnection(stack.databaseUrl.replace(/^mysql:/, "mariadb:"));
    try {
      const res = await conn.query(
        "UPDATE console_auth_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE token_hash = ?",
        [hash],
      );
      expect(res.affectedRows).toBe(1);
    } finally {
      await conn.end();
    }
    await expectRefused(url, "token_expired");
  });

  test("closes an open session when the instance stops, and refuses its token while stopped", async () => {
    const url = await consoleUrl();
    const session = await greeted(url);
    await act({ "os-stop": null }, "SHUTOFF");
    // The display closing or the stop's notification, whichever the proxy hears first, says so.
    const closed = await session.closed;
    expect(closed.code).toBe(CONSOLE_CLOSE.instance_stopped.code);
    expect(closed.reason).toMatch(/^The instance (was|is being) stopped\.$/);
    await expectRefused(url, "instance_not_running");
    const again = await alice.post(
      `/servers/${id}/remote-consoles`,
      { remote_console: { protocol: "vnc", type: "novnc" } },
      { "openstack-api-version": "compute 2.6" },
    );
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe(`Instance ${id} is not ready`);

    // Started again (a new QEMU, maybe on another port), the same URL opens the new display.
    await act({ "os-start": null }, "ACTIVE");
    const back = await greeted(url);
    back.close();
  });

  test("the stock CLI's `console url show` prints a URL that opens the console", async () => {
    const token = await stack.token({ user: "alice", project: "p1" });
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
    ) as NodeJS.ProcessEnv;
    const { stdout } = await promisify(execFile)(
      "openstack",
      [
        ...["--os-auth-type", "admin_token", "--os-token", token],
        ...["--os-endpoint", stack.computeUrl, "--os-compute-api-version", "2.6"],
        ...["console", "url", "show", id, "-f", "json"],
      ],
      { env, timeout: 60_000 },
    );
    const shown = JSON.parse(stdout) as { type: string; url: string; protocol?: string };
    expect(shown.type).toBe("novnc");
    const client = await open(shown.url);
    const init = await client.handshake();
    expect(init.name).toContain(`instance-${id}`);
    client.close();
  });

  test("closes an open session when the instance is deleted; its token is gone with it", async () => {
    const url = await consoleUrl();
    const session = await greeted(url);
    const res = await alice.delete(`/servers/${id}`);
    expect(res.status).toBe(204);
    expect(await session.closed).toEqual({
      code: CONSOLE_CLOSE.instance_deleted.code,
      reason: CONSOLE_CLOSE.instance_deleted.text,
    });
    await stack.waitForServerGone(id, BOOT_MS);
    await expectRefused(url, "token_unknown");
  });
});
