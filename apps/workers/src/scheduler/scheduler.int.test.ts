// The scheduler on the real RabbitMQ (a vhost of its own): its start function, then the real
// process, each against a fake conductor that answers host_states and service_report.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  computeNodeUpdateEvent,
  connectBus,
  handler,
  hostStates,
  selectDestinations,
  serviceReport,
  serviceUpdateEvent,
  systemContext,
  type Bus,
  type ComputeNode,
} from "@nimbus/rpc";
import { createTestVhost, waitFor, type TestVhost } from "@nimbus/rpc/testing";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { startScheduler } from "./scheduler";
import { fakeNode, fakeSpec } from "./testing";

const silent = pino({ level: "silent" });
const ctx = systemContext();
let vhost: TestVhost;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  vhost = await createTestVhost();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await vhost.delete();
});

async function open(service: string, host: string): Promise<Bus> {
  const bus = await connectBus({ url: vhost.url, service, host, logger: silent });
  cleanups.push(() => bus.close());
  return bus;
}

/** A stand-in conductor on the real bus; it also sends the scheduler its calls and events. */
async function fakeConductor(nodes: ComputeNode[]) {
  const bus = await open("conductor", "conductor-1");
  const reports: { host: string; binary: string }[] = [];
  await bus.serve({ service: "conductor" }, [
    handler(hostStates, () => ({ nodes })),
    handler(serviceReport, (req) => {
      reports.push({ host: req.host, binary: req.binary });
      return { serviceId: 7, disabled: false, forcedDown: false };
    }),
  ]);
  return { bus, reports };
}

describe("scheduler on RabbitMQ", () => {
  it("serves select_destinations and follows notifications over the real bus", async () => {
    const [a, b] = [fakeNode("int-a"), fakeNode("int-b")];
    const conductor = await fakeConductor([a, b]);
    const config = loadConfig({ NIMBUS_AMQP_URL: vhost.url, NIMBUS_HOST: "sched-int" });
    const scheduler = await startScheduler({
      config,
      bus: await open("scheduler", "sched-int"),
      logger: silent,
    });
    cleanups.push(() => scheduler.stop());
    expect(conductor.reports).toContainEqual({ host: "sched-int", binary: "nova-scheduler" });

    const select = (count: number) =>
      conductor.bus.call(
        selectDestinations,
        { spec: fakeSpec({ count }), alternates: 1 },
        { ctx, timeoutMs: 5_000 },
      );
    const spread = await select(2);
    expect(spread.selections.map((s) => s.hosts.map((h) => h.host))).toEqual([
      ["int-a", "int-b"],
      ["int-b", "int-a"],
    ]);

    // int-a fills up (the conductor's report overwrites what the scheduler consumed)
    await conductor.bus.publish(
      computeNodeUpdateEvent,
      { node: { ...a, memoryMbUsed: 8192, updatedAt: new Date().toISOString() } },
      { ctx },
    );
    await waitFor(() => scheduler.view.get(a.id)?.freeRamMb === 0, { what: "int-a full" });
    const next = await select(1);
    expect(next.selections[0]!.hosts.map((h) => h.host)).toEqual(["int-b"]);

    // int-b's service goes down: no host is left, and the error crosses the bus whole
    await conductor.bus.publish(
      serviceUpdateEvent,
      {
        binary: "nova-compute",
        host: "int-b",
        state: "down",
        status: "enabled",
        disabledReason: null,
        lastSeenUp: new Date().toISOString(),
      },
      { ctx },
    );
    await waitFor(() => scheduler.view.get(b.id)?.up === false, { what: "int-b down" });
    await expect(select(1)).rejects.toMatchObject({
      code: "no_valid_host",
      message:
        "No valid host was found. ComputeFilter removed 1 host (compute service down or disabled); RamFilter removed 1 host (not enough free RAM).",
      details: {
        hostsConsidered: 2,
        filters: expect.arrayContaining([
          expect.objectContaining({
            name: "RamFilter",
            removed: [expect.objectContaining({ host: "int-a" })],
          }),
        ]),
      },
    });
  });

  it("runs as a process: registers, schedules, and stops cleanly on SIGTERM", async () => {
    const conductor = await fakeConductor([fakeNode("proc-a")]);
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", main], {
      env: {
        PATH: process.env.PATH,
        NIMBUS_AMQP_URL: vhost.url,
        NIMBUS_HOST: "sched-proc",
        NIMBUS_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    });

    const logged = (msg: string) =>
      waitFor(() => output.includes(`"msg":"${msg}"`), { timeoutMs: 30_000, what: msg }).catch(
        (err: Error) => {
          throw new Error(`${err.message}; the process's output:\n${output}`);
        },
      );
    await logged("scheduler started");
    expect(conductor.reports).toContainEqual({ host: "sched-proc", binary: "nova-scheduler" });
    const reply = await conductor.bus.call(
      selectDestinations,
      { spec: fakeSpec(), alternates: 0 },
      { ctx, timeoutMs: 5_000, host: "sched-proc" },
    );
    expect(reply.selections[0]!.hosts[0]!.host).toBe("proc-a");
    await logged("destinations selected");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await logged("scheduler stopped");
  });
});
