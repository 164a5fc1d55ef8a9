// P5: an instance's state change → the dashboard's socket.io event in a connected client.
import { connectBus, createLogger, type Instance } from "@nimbus/rpc";
import { io, type Socket } from "socket.io-client";
import type { Benchmark } from "../lib/benchmark";
import { closedLoop, deleteServers } from "../lib/boots";
import { ownCloud, prepareBoots, runningCloud, testHosts, type Cloud } from "../lib/cloud";
import { cloudProcesses, cpuMeter, perUnit } from "../lib/procs";
import { nowUs } from "../lib/profile";
import { atMost, info, ms, summarize } from "../lib/report";

const CLIENTS = 10;
const WARMUP = 20;
const BOOTS = 150;

/** The same state of the same server, as the bus and the socket each carry it. */
const keyOf = (s: {
  id: string;
  vmState: string;
  taskState: string | null;
  powerState: number;
  updatedAt: string;
}) => `${s.id}|${s.vmState}|${s.taskState}|${s.powerState}|${s.updatedAt}`;

/** Sign in as the dashboard does (tRPC session.login); the session cookie it sets. */
async function sessionCookie(url: string, username: string, password: string, project: string) {
  const res = await fetch(`${url}/api/trpc/session.login`, {
    method: "POST",
    headers: { origin: url, "content-type": "application/json" },
    body: JSON.stringify({ json: { username, password, project } }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("nimbus_session="));
  if (res.status !== 200 || !cookie)
    throw new Error(`session.login: HTTP ${res.status} ${await res.text()}`);
  return cookie.split(";")[0]!;
}

/** A live socket as the dashboard opens it, connected. */
async function liveSocket(url: string, cookie: string): Promise<Socket> {
  const socket = io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie, origin: url },
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`live socket: ${err.message}`)));
  });
  return socket;
}

/**
 * Arrival times of each server state on the bus (a subscriber of our own, beside the web's) and on
 * the socket, paired by state; pairs are kept only while `recording`.
 */
async function pairStates(amqpUrl: string, socket: Socket) {
  const onBus = new Map<string, number>();
  const onSocket = new Map<string, number>();
  const latencies: number[] = [];
  let recording = false;
  const seen = (key: string, at: number, mine: Map<string, number>, other: Map<string, number>) => {
    const then = other.get(key);
    if (then === undefined) return void mine.set(key, at);
    other.delete(key);
    // Either order: our bus subscriber may, rarely, be served after the web's relay.
    if (recording) latencies.push(mine === onSocket ? at - then : then - at);
  };
  const bus = await connectBus({
    url: amqpUrl,
    service: "bench-p5",
    host: "bench",
    logger: createLogger("bench-p5", "silent"),
  });
  await bus.subscribe(["instance.*"], (event) => {
    const at = performance.now();
    if (event.type !== "instance.update" && event.type !== "instance.create") return;
    const i = event.payload.instance as Instance;
    seen(keyOf({ ...i, id: i.uuid }), at, onBus, onSocket);
  });
  socket.on("server", (e: { server: Parameters<typeof keyOf>[0] }) =>
    seen(keyOf(e.server), performance.now(), onSocket, onBus),
  );
  return {
    record(on: boolean) {
      recording = on;
    },
    latencies,
    /** states seen on one side only (so far) */
    pending: () => ({ busOnly: onBus.size, socketOnly: onSocket.size }),
    close: () => bus.close(),
  };
}

export const p5: Benchmark = {
  id: "P5",
  title: "instance state change → socket.io event in a connected client",
  runsAgainstUrl: true,
  async run(ctx) {
    if (ctx.running && !ctx.running.amqpUrl)
      throw new Error("P5 against --url needs --amqp-url (the state changes are seen on the bus)");
    const cloud: Cloud = ctx.running
      ? await runningCloud(ctx.running)
      : await ownCloud({ name: "bench-p5", computes: testHosts(2) }, ctx.profileDir);
    const amqpUrl = ctx.running?.amqpUrl ?? cloud.stack!.amqpUrl;
    const [user, password, project] = ctx.running
      ? [ctx.running.user, ctx.running.password, ctx.running.project]
      : ["admin", cloud.stack!.adminPassword, "admin"];
    const created: string[] = [];
    const socket = await liveSocket(
      cloud.url,
      await sessionCookie(cloud.url, user, password, project),
    );
    const pairs = await pairStates(amqpUrl, socket);
    try {
      const { flavorRef, undo } = await prepareBoots(cloud);
      try {
        const boot = (count: number, prefix: string) =>
          closedLoop(cloud, { clients: CLIENTS, count, flavorRef, prefix });
        created.push(...(await boot(WARMUP, "p5-warm")).map((b) => b.uuid));
        pairs.record(true);
        const meter = cloud.stack ? cpuMeter(cloudProcesses(cloud.stack)) : undefined;
        const from = nowUs();
        const boots = await boot(BOOTS, "p5");
        created.push(...boots.map((b) => b.uuid));
        // The last states may still be on their way to the socket.
        const deadline = Date.now() + 5_000;
        while (pairs.pending().busOnly > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 5));
        pairs.record(false);
        const window = { fromUs: from, toUs: nowUs() };
        const cpu = meter?.();
        const s = summarize(pairs.latencies);
        const { busOnly, socketOnly } = pairs.pending();
        return {
          window,
          method: [
            `A client signed in as the dashboard does (tRPC session.login → session cookie) holds the live socket (socket.io-client over websocket, the admin's project room); ${CLIENTS} closed-loop clients boot ${BOOTS} servers on the test hypervisor (after ${WARMUP} warm-up boots, excluded), and every instance.create/update they cause is timed.`,
            "Latency = the state's arrival on the socket − its arrival at a bus subscriber in the same process (a queue of its own on the notifications exchange, beside the web's): the conductor publishes right after its commit, so this is the web's relay (consume, decode, view per audience, emit) and the socket's transport, under the boot load.",
          ],
          rows: [
            atMost("state change → socket event p95", s.p95, 250),
            info("p50 / p99 / max", `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`),
            info("state changes timed", String(s.n)),
            info("states seen on one side only (bus / socket)", `${busOnly} / ${socketOnly}`),
            ...(cpu ? [info("CPU ms per boot, by process", perUnit(cpu, boots.length))] : []),
          ],
          data: {
            clients: CLIENTS,
            warmup: WARMUP,
            boots: BOOTS,
            latencyMs: s,
            unpaired: { busOnly, socketOnly },
            cpuMs: cpu,
            samples: pairs.latencies.map((x) => Math.round(x * 10) / 10),
          },
        };
      } finally {
        if (ctx.running) await deleteServers(cloud, created);
        await undo();
      }
    } finally {
      socket.close();
      await pairs.close();
      await cloud.close();
    }
  },
};
