// R6: a compute host stops heartbeating — its process frozen with SIGSTOP, alive but silent. The
// conductor marks it down within its service_down_time (plus one liveness period), the scheduler
// stops placing builds there, and once the process runs again (SIGCONT) the host is back up and
// builds land on it again.
import { connectBus, createLogger, type Bus } from "@nimbus/rpc";
import { afterAll, expect } from "vitest";
import { createServer, isActive, isSettled } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";
import { faultTest } from "./report";

/** The conductor's NIMBUS_SERVICE_DOWN_TIME in this cloud (Nova's default is 60 s). */
const DOWN_TIME_S = 20;
/** The computes' NIMBUS_REPORT_INTERVAL (the default). */
const REPORT_INTERVAL_S = 10;
/** The conductor's liveness check runs every min(5 s, down time / 4). */
const LIVENESS_PERIOD_S = Math.min(5, DOWN_TIME_S / 4);
/** Slack for the notification's trip and a loaded 2-core machine. */
const SLACK_S = 3;

let stack: Stack | undefined;
let observer: Bus | undefined;

afterAll(async () => {
  await observer?.close();
  await stack?.stop();
});

interface ServiceEvent {
  host: string;
  binary: string;
  state: "up" | "down";
  at: number;
}

faultTest("R6", "a compute host stops heartbeating, then comes back", 180_000, async (report) => {
  const s = await startStack({
    name: "r6-heartbeat",
    computes: ["node1", "node2"].map((host) => ({
      host,
      env: {
        NIMBUS_RAM_ALLOCATION_RATIO: "16",
        NIMBUS_REPORT_INTERVAL: String(REPORT_INTERVAL_S),
      },
    })),
    envFor: { conductor: { NIMBUS_SERVICE_DOWN_TIME: String(DOWN_TIME_S) } },
  });
  stack = s;
  report.onFailure(async () => console.log(await s.logTail(40)));

  const seen: ServiceEvent[] = [];
  const waiters = new Set<() => void>();
  observer = await connectBus({
    url: s.amqpUrl,
    service: "e2e-r6",
    host: "e2e",
    logger: createLogger("e2e-r6", "silent"),
  });
  await observer.subscribe(["service.update"], (event) => {
    if (event.type !== "service.update") return;
    const { host, binary, state } = event.payload;
    seen.push({ host, binary, state, at: Date.now() });
    for (const w of waiters) w();
  });
  /** The first service.update of node1's compute to `state` after `since`. */
  const transition = (state: "up" | "down", since: number, timeoutMs: number) =>
    new Promise<ServiceEvent>((resolve, reject) => {
      const check = () => {
        const hit = seen.find(
          (e) =>
            e.host === "node1" && e.binary === "nova-compute" && e.state === state && e.at >= since,
        );
        if (!hit) return;
        done();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no service.update ${state} for node1 within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const admin = await s.compute();
  const serviceState = async (host: string) => {
    const res = await admin.get(`/os-services?binary=nova-compute&host=${host}`);
    expect(res.status).toBe(200);
    return res.body.services[0].state as string;
  };
  const hostOf = async (id: string) =>
    (await s.waitForServer(id, isSettled, 30_000))["OS-EXT-SRV-ATTR:host"];

  const compute = s.process("compute:node1");
  const frozenAt = Date.now();
  compute.signal("SIGSTOP");
  report.step(
    `SIGSTOP compute:node1 (heartbeat every ${REPORT_INTERVAL_S} s; the conductor's service_down_time ${DOWN_TIME_S} s, liveness check every ${LIVENESS_PERIOD_S} s)`,
  );
  const down = await transition("down", frozenAt, 60_000);
  const toDown = (down.at - frozenAt) / 1000;
  report.time("frozen to service.update down", down.at - frozenAt);
  expect(await serviceState("node1")).toBe("down");
  expect(await serviceState("node2")).toBe("up");
  // Its last report was at most one interval before the freeze; down means down_time after it.
  expect(toDown).toBeGreaterThanOrEqual(DOWN_TIME_S - REPORT_INTERVAL_S);
  expect(toDown).toBeLessThanOrEqual(DOWN_TIME_S + LIVENESS_PERIOD_S + SLACK_S);
  report.check(
    `node1 reported down ${toDown.toFixed(1)} s after the freeze (bounds ${DOWN_TIME_S - REPORT_INTERVAL_S}–${DOWN_TIME_S + LIVENESS_PERIOD_S + SLACK_S} s) by service.update and os-services; node2 still up`,
  );

  // node1 is empty and node2 is not, so only the filter keeps the weighers from choosing node1.
  const whileDown: string[] = [];
  for (let i = 0; i < 4; i++)
    whileDown.push(await createServer(s, admin, { name: `r6-down-${i}` }));
  const hostsWhileDown = await Promise.all(whileDown.map(hostOf));
  expect(hostsWhileDown).toEqual(Array(4).fill("node2"));
  const forced = await createServer(s, admin, { name: "r6-forced", zone: "nova:node1" });
  const refused = await s.waitForServer(forced, isSettled, 30_000);
  expect(refused.status).toBe("ERROR");
  // node2 is not the forced host; node1 is the forced one, and down.
  expect(refused.fault?.message).toMatch(
    /^No valid host was found\..*ComputeFilter removed 1 host \(compute service down/,
  );
  report.step("while down: 4 creates, then one forced to node1 (availability_zone nova:node1)");
  report.check(
    `the scheduler excluded node1: the 4 creates are ACTIVE on node2; the forced one is ERROR with "${refused.fault?.message}"`,
  );

  const thawedAt = Date.now();
  compute.signal("SIGCONT");
  report.step("SIGCONT compute:node1");
  const up = await transition("up", thawedAt, 30_000);
  report.time("thawed to service.update up", up.at - thawedAt);
  expect(await serviceState("node1")).toBe("up");
  expect(compute.running).toBe(true);

  const again = await createServer(s, admin, { name: "r6-back" });
  expect(await hostOf(again)).toBe("node1");
  const forcedAgain = await createServer(s, admin, { name: "r6-forced-back", zone: "nova:node1" });
  const built = await s.waitForServer(forcedAgain, isActive, 30_000);
  expect(built["OS-EXT-SRV-ATTR:host"]).toBe("node1");
  report.check(
    `node1 up again ${((up.at - thawedAt) / 1000).toFixed(1)} s after SIGCONT; the next create (weighed) and one forced there are ACTIVE on node1`,
  );
  report.count("heartbeat losses", 1);
  report.count("creates while down", 5);
  report.count("placed on the down host", hostsWhileDown.filter((h) => h === "node1").length);
  report.count("creates after return", 2);
  report.count("placed on node1 after return", 2);
});
