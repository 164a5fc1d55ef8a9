// The conductor's periodic tasks, each in its own loop: a run starts only after the previous one
// ended (no overlap), and a failure is logged and tried again at the next tick.
import { systemContext } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { purgeTokens } from "../repositories/identity";
import { purgeExpiredTokens } from "../repositories/console-tokens";
import { purgeMessages } from "../repositories/messages";
import { recordReport } from "../repositories/hosts";
import { recoverBuilds } from "./build-recovery";
import { checkServiceLiveness } from "./service-liveness";

const DAY_MS = 24 * 3600 * 1000;

export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run(c: Conductor): Promise<unknown>;
}

export function periodicTasks(c: Conductor): PeriodicTask[] {
  const { config } = c;
  return [
    {
      // The conductor's own heartbeat goes straight to the database: it is the door to it.
      name: "report",
      intervalMs: config.NIMBUS_REPORT_INTERVAL * 1000,
      run: async (cc) => {
        const { service } = await recordReport(
          cc.sql,
          { host: cc.bus.host, binary: "nova-conductor", version: "1" },
          cc.now(),
        );
        cc.services.publishChanges(cc, [service], systemContext());
      },
    },
    {
      name: "service_liveness",
      intervalMs: Math.min(5_000, (config.NIMBUS_SERVICE_DOWN_TIME * 1000) / 4),
      run: checkServiceLiveness,
    },
    {
      name: "build_recovery",
      intervalMs: Math.min(10_000, (config.NIMBUS_BUILD_STUCK_TIMEOUT * 1000) / 2),
      run: recoverBuilds,
    },
    {
      // Expired tokens are refused anyway; this only keeps the table small.
      name: "purge_console_tokens",
      intervalMs: 60_000,
      run: (cc) => purgeExpiredTokens(cc.sql, cc.now()),
    },
    {
      name: "purge_processed_messages",
      intervalMs: 3600_000,
      run: (cc) => purgeMessages(cc.sql, new Date(cc.now().getTime() - DAY_MS)),
    },
    {
      // keystone-manage token_flush: expired (and revoked) tokens are kept a day for the logs.
      name: "purge_identity_tokens",
      intervalMs: 3600_000,
      run: (cc) => purgeTokens(cc.sql, new Date(cc.now().getTime() - DAY_MS)),
    },
  ];
}

/** Start every task (the first run right away); `stop` ends the loops and waits for runs in flight. */
export function startPeriodicTasks(c: Conductor, tasks: PeriodicTask[]): { stop(): Promise<void> } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const loop = (task: PeriodicTask) => {
    if (stopped) return;
    const run = task
      .run(c)
      .then(
        () => undefined,
        (err: unknown) => c.logger.error({ err, task: task.name }, "periodic task failed"),
      )
      .finally(() => {
        running.delete(run);
        if (stopped) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          loop(task);
        }, task.intervalMs);
        timers.add(timer);
      });
    running.add(run);
  };
  for (const task of tasks) loop(task);

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
