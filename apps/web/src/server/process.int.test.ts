// The web process for real: `node --import tsx server.ts` on its own port, talking over the real
// RabbitMQ (a vhost of this test's own) to a stand-in conductor, then stopped with SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectBus, type Bus } from "@nimbus/rpc";
import { capturingLogger, createTestVhost, waitFor, type TestVhost } from "@nimbus/rpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFakeConductor, type FakeConductor } from "../../test/fake-conductor";

const WEB_DIR = fileURLToPath(new URL("../..", import.meta.url));

let vhost: TestVhost;
let conductorBus: Bus;
let conductor: FakeConductor;
let imagesDir: string;
let child: ChildProcess;
let base: string;
const output: string[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, "127.0.0.1", ok));
  const { port } = probe.address() as { port: number };
  await new Promise((ok) => probe.close(ok));
  return port;
}

const logLines = () =>
  output
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  vhost = await createTestVhost();
  conductorBus = await connectBus({
    url: vhost.url,
    service: "conductor",
    host: "controller",
    logger: capturingLogger("silent").logger,
  });
  conductor = await serveFakeConductor(conductorBus);
  imagesDir = await mkdtemp(join(tmpdir(), "nimbus-web-process-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NIMBUS_AMQP_URL: vhost.url,
      NIMBUS_HOST: "controller",
      NIMBUS_WEB_LISTEN: "127.0.0.1",
      NIMBUS_WEB_PORT: String(port),
      NIMBUS_WEB_NEXT: "0",
      NIMBUS_IMAGES_DIR: imagesDir,
      NIMBUS_LOG_LEVEL: "info",
      NIMBUS_AUTH_STRATEGY: "noauth2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`web exited early:\n${output.join("")}`);
      return (await fetch(`${base}/healthz`).catch(() => null))?.ok;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: "the web process to answer /healthz" },
  );
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await new Promise((ok) => child.once("exit", ok));
  }
  await conductorBus?.close();
  await vhost?.delete();
  if (imagesDir) await rm(imagesDir, { recursive: true, force: true });
});

describe("the web process on the real bus", () => {
  it("creates and shows a server through the conductor, with the request id on every hop", async () => {
    const res = await fetch(`${base}/compute/v2.1/servers`, {
      method: "POST",
      headers: { "x-auth-token": "alice:p1", "content-type": "application/json" },
      body: JSON.stringify({
        server: { name: "web-1", imageRef: "70a599e0-31e7-49b7-b260-868f441e862b", flavorRef: "1" },
      }),
    });
    expect(res.status).toBe(202);
    const { server } = (await res.json()) as { server: { id: string } };
    const requestId = res.headers.get("x-openstack-request-id");
    expect(conductor.callsOf("create_servers")[0]?.ctx).toMatchObject({
      requestId,
      userId: "alice",
      projectId: "p1",
    });
    await waitFor(
      () => logLines().some((l) => l.msg === "servers accepted" && l.requestId === requestId),
      {
        what: "the web's log line for the create",
      },
    );

    const show = await fetch(`${base}/compute/v2.1/servers/${server.id}`, {
      headers: { "x-auth-token": "alice:p1", "OpenStack-API-Version": "compute 2.100" },
    });
    expect(show.status).toBe(200);
    expect(((await show.json()) as { server: { status: string } }).server.status).toBe("BUILD");
    const other = await fetch(`${base}/compute/v2.1/servers/${server.id}`, {
      headers: { "x-auth-token": "bob:p2" },
    });
    expect(other.status).toBe(404);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(logLines().some((l) => l.msg === "shutting down")).toBe(true);
  });
});
