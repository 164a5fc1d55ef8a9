// Services report to the conductor when they start and then every `intervalMs` (Nova's
// report_interval, 10 s). The conductor derives up/down from these reports.
import { serviceReport, systemContext, type Bus, type Logger, type NodeInventory } from "@nimbus/rpc";

export interface HeartbeatOptions {
  bus: Bus;
  logger: Logger;
  host: string;
  binary: "nova-compute" | "nova-scheduler" | "nova-conductor" | "nova-consoleauth";
  version: string;
  intervalMs: number;
  /** compute hosts: the node's inventory, read fresh for every report */
  inventory?: () => Promise<NodeInventory>;
  /** told after every successful report */
  onReport?: (reply: { serviceId: number; disabled: boolean; forcedDown: boolean }) => void;
}

export interface Heartbeat {
  /** The first report (registration); rejects if the conductor cannot be reached. */
  ready: Promise<void>;
  stop(): void;
}

export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const report = async () => {
    const node = opts.inventory ? await opts.inventory() : undefined;
    const reply = await opts.bus.call(
      serviceReport,
      { host: opts.host, binary: opts.binary, version: opts.version, node },
      { ctx: systemContext(), timeoutMs: opts.intervalMs },
    );
    opts.onReport?.(reply);
  };

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      report()
        .catch((err) => opts.logger.warn({ err }, "heartbeat failed"))
        .finally(loop);
    }, opts.intervalMs);
    timer.unref();
  };

  const ready = report().then(loop);
  return {
    ready,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
