// The harness itself: a stack's processes restart after kill -9, a process that cannot start fails
// the stack at once with its log, and stop() leaves nothing behind.
import { existsSync, readFileSync } from "node:fs";
import * as mariadb from "mariadb";
import { describe, expect, test } from "vitest";
import { stackConfig } from "./config";
import { startStack } from "./stack";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function databaseExists(name: string): Promise<boolean> {
  const url = new URL(stackConfig().NIMBUS_DATABASE_URL);
  const conn = await mariadb.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  try {
    return (await conn.query("SHOW DATABASES LIKE ?", [name])).length > 0;
  } finally {
    await conn.end();
  }
}

async function vhostStatus(name: string): Promise<number> {
  const api = new URL(stackConfig().NIMBUS_RABBITMQ_API_URL);
  const auth = Buffer.from(
    `${decodeURIComponent(api.username)}:${decodeURIComponent(api.password)}`,
  ).toString("base64");
  api.username = api.password = "";
  const res = await fetch(
    `${api.toString().replace(/\/$/, "")}/vhosts/${encodeURIComponent(name)}`,
    {
      headers: { authorization: `Basic ${auth}` },
    },
  );
  await res.body?.cancel();
  return res.status;
}

describe("startStack", () => {
  test("restarts a process after kill -9 and tears everything down on stop", async () => {
    const stack = await startStack({ name: "harness" });
    const database = new URL(stack.databaseUrl).pathname.slice(1);
    const vhost = decodeURIComponent(new URL(stack.amqpUrl).pathname.slice(1));
    let pids: number[] = [];
    try {
      expect(await databaseExists(database)).toBe(true);
      expect(await vhostStatus(vhost)).toBe(200);

      const compute = stack.process("compute:node1");
      const before = compute.pid!;
      await compute.kill("SIGKILL");
      expect(alive(before)).toBe(false);
      await compute.start();
      expect(compute.pid).not.toBe(before);
      expect(alive(compute.pid!)).toBe(true);
      const services = await (await stack.compute()).get("/os-services?binary=nova-compute");
      expect(services.body.services).toMatchObject([{ host: "node1", state: "up" }]);
      pids = stack.processes().map((p) => p.pid!);

      // Each process is node itself; the workers run their bundle, as ./scripts/up runs them.
      for (const p of stack.processes()) {
        const argv = readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").slice(1, -1);
        const worker = p.name.split(":")[0];
        expect(argv).toEqual(
          p.name === "web"
            ? ["--import", "tsx", "apps/web/server.ts"]
            : [
                expect.stringMatching(
                  new RegExp(`/apps/workers/dist/[0-9a-f]{16}/${worker}\\.js$`),
                ),
              ],
        );
      }
    } finally {
      await stack.stop();
    }
    expect(pids).toHaveLength(5); // conductor, scheduler, consoleauth, compute, web
    expect(pids.filter(alive)).toEqual([]);
    expect(await databaseExists(database)).toBe(false);
    expect(await vhostStatus(vhost)).toBe(404);
    expect(existsSync(stack.root)).toBe(false);
  });

  test("fails at once, with the process's own words, when a process cannot start", async () => {
    const started = startStack({
      name: "harness-broken",
      computes: [{ host: "node1", env: { NIMBUS_VIRT_TYPE: "xen" } }],
    });
    await expect(started).rejects.toThrow(
      /compute:node1 exited during start-up[\s\S]*NIMBUS_VIRT_TYPE/,
    );
  });
});
