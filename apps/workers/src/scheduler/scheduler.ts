// The scheduler process's work: keep a view of the compute nodes (read from the conductor at start,
// on every reconnect and every refresh interval; kept fresh in between by notifications) and
// answer scheduler.select_destinations from it. It never touches the database.
import {
  handler,
  hostStates,
  selectDestinations,
  systemContext,
  type Bus,
  type Logger,
} from "@nimbus/rpc";
import { startHeartbeat } from "../shared/heartbeat";
import type { Running, WorkerDeps } from "../shared/worker";
import { weightMultipliers, type SchedulerConfig } from "./config";
import { filtersByName } from "./filters";
import { HostView } from "./host-state";
import { createSelector, type Selector } from "./select";
import { weighersByName } from "./weighers";

const VERSION = "1.0";
const HOST_STATES_TIMEOUT_MS = 10_000;

export function selectorFromConfig(config: SchedulerConfig): Selector {
  const multipliers = weightMultipliers(config);
  return createSelector({
    filters: filtersByName(config.NIMBUS_SCHEDULER_FILTERS),
    weighers: weighersByName(config.NIMBUS_SCHEDULER_WEIGHERS).map((weigher) => ({
      weigher,
      multiplier: multipliers[weigher.name] ?? 1,
    })),
    hostSubsetSize: config.NIMBUS_SCHEDULER_HOST_SUBSET_SIZE,
  });
}

/** Read every node from the conductor into the view; one read at a time. */
function hostLoader(bus: Bus, view: HostView, logger: Logger) {
  let running: Promise<void> | undefined;
  return (why: string): Promise<void> => {
    running ??= (async () => {
      const since = view.generation;
      const { nodes } = await bus.call(
        hostStates,
        {},
        { ctx: systemContext(), timeoutMs: HOST_STATES_TIMEOUT_MS },
      );
      view.replaceAll(nodes, since);
      logger.info({ nodes: view.size, why }, "host view loaded");
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}

export async function startScheduler({
  config,
  bus,
  logger,
}: WorkerDeps<SchedulerConfig>): Promise<Running & { view: HostView }> {
  const view = new HostView();
  const select = selectorFromConfig(config);
  const load = hostLoader(bus, view, logger);

  // Subscribe before the first read, so no change between the read and the subscription is lost.
  const subscription = await bus.subscribe(
    ["compute_node.update", "service.update"],
    (event, meta) => {
      if (event.type === "compute_node.update") {
        const applied = view.upsert(event.payload.node);
        meta.logger.debug({ node: event.payload.node.id, applied }, "compute node updated");
      } else if (event.type === "service.update" && event.payload.binary === "nova-compute") {
        const nodes = view.applyService(event.payload);
        meta.logger.info(
          {
            host: event.payload.host,
            state: event.payload.state,
            status: event.payload.status,
            nodes,
          },
          "compute service changed",
        );
      }
    },
  );

  // Until the conductor answers there is nothing to schedule on: wait for it, with backoff.
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await load("start");
      break;
    } catch (err) {
      logger.warn({ err, retryInMs: delay }, "cannot read the hosts from the conductor yet");
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  const reload = (why: string) => () => {
    load(why).catch((err: unknown) => logger.warn({ err, why }, "host view refresh failed"));
  };
  // Notifications sent while the connection was down are lost: read everything again.
  const onConnected = reload("reconnected");
  bus.on("connected", onConnected);
  const timer = setInterval(reload("periodic"), config.NIMBUS_SCHEDULER_REFRESH_INTERVAL_MS);
  timer.unref();

  const server = await bus.serve({ service: "scheduler" }, [
    handler(selectDestinations, (request, meta) => {
      const started = performance.now();
      const reply = select(view, request);
      meta.logger.info(
        {
          instances: reply.selections.length,
          // the first few: a request may hold up to 1,000 instances
          hosts: reply.selections.slice(0, 10).map((s) => s.hosts[0]!.host),
          considered: reply.explanation.hostsConsidered,
          ms: Number((performance.now() - started).toFixed(3)),
        },
        "destinations selected",
      );
      return reply;
    }),
  ]);

  const heartbeat = startHeartbeat({
    bus,
    logger,
    host: config.NIMBUS_HOST,
    binary: "nova-scheduler",
    version: VERSION,
    intervalMs: config.NIMBUS_SCHEDULER_REPORT_INTERVAL_MS,
  });
  const stop = async () => {
    clearInterval(timer);
    bus.off("connected", onConnected);
    heartbeat.stop();
    await server.close();
    await subscription.close();
  };
  try {
    await heartbeat.ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return { view, stop };
}
