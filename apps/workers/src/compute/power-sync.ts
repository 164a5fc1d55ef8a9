// Nova's _sync_power_states: every few seconds, compare what libvirt says about this host's domains
// with what the cloud was last told, and send only the differences (conductor.power_sync). An
// instance with an operation in progress here is skipped: its handler reports the outcome itself.
import { powerSync, systemContext, type Bus, type Logger } from "@nimbus/rpc";
import type { PowerStateValue } from "@nimbus/rpc/domain";
import type { VirtDriver } from "./virt/driver";

/**
 * This host's instances as the cloud last heard of them (power state), and the ones an operation
 * is running on. Seeded at start-up from the conductor, kept current by the handlers.
 */
export class InstanceTracker {
  private readonly reported = new Map<string, PowerStateValue>();
  private readonly busy = new Map<string, number>();
  /** Bumped when an operation starts: a sync that saw an older value must not record its result. */
  private readonly epochs = new Map<string, number>();

  /** Mark an operation on the instance as running; call the returned function when it is over. */
  begin(uuid: string): () => void {
    this.busy.set(uuid, (this.busy.get(uuid) ?? 0) + 1);
    this.epochs.set(uuid, (this.epochs.get(uuid) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.busy.get(uuid) ?? 1) - 1;
      if (n > 0) this.busy.set(uuid, n);
      else this.busy.delete(uuid);
    };
  }

  isBusy(uuid: string): boolean {
    return this.busy.has(uuid);
  }

  /** The cloud now knows this power state for the instance (and the instance is this host's). */
  reportedState(uuid: string, powerState: PowerStateValue): void {
    this.reported.set(uuid, powerState);
  }

  /** The instance is no longer this host's (deleted, or its build went elsewhere). */
  forget(uuid: string): void {
    this.reported.delete(uuid);
  }

  epoch(uuid: string): number {
    return this.epochs.get(uuid) ?? 0;
  }

  /**
   * What differs between the hypervisor's view and the last report, skipping busy instances.
   * An instance of this host without a domain is reported as NOSTATE, as Nova does.
   */
  changes(domains: Array<{ uuid: string; powerState: PowerStateValue }>) {
    const actual = new Map(domains.map((d) => [d.uuid, d.powerState]));
    const out: Array<{ uuid: string; powerState: PowerStateValue }> = [];
    for (const [uuid, last] of this.reported) {
      if (this.busy.has(uuid)) continue;
      const now = actual.get(uuid) ?? 0;
      if (now !== last) out.push({ uuid, powerState: now });
    }
    return out;
  }
}

export interface PowerSyncOptions {
  bus: Bus;
  driver: VirtDriver;
  tracker: InstanceTracker;
  host: string;
  logger: Logger;
  intervalMs: number;
}

/** One sync pass: returns what was sent. Throws if libvirt or the conductor failed. */
export async function syncPowerStates(
  opts: Omit<PowerSyncOptions, "intervalMs">,
): Promise<Array<{ uuid: string; powerState: PowerStateValue }>> {
  const domains = await opts.driver.listInstances();
  const changes = opts.tracker.changes(domains);
  if (changes.length === 0) return changes;
  const epochs = changes.map((c) => opts.tracker.epoch(c.uuid));
  await opts.bus.call(
    powerSync,
    { host: opts.host, states: changes },
    { ctx: systemContext(), timeoutMs: 30_000 },
  );
  // An operation that started meanwhile reports its own outcome: keep that one.
  changes.forEach((c, i) => {
    if (opts.tracker.epoch(c.uuid) === epochs[i]) opts.tracker.reportedState(c.uuid, c.powerState);
  });
  opts.logger.info({ changes }, "power states synced");
  return changes;
}

/** Run syncPowerStates every interval (never two at once) until stopped. */
export function startPowerSync(opts: PowerSyncOptions): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = syncPowerStates(opts)
        .then(() => undefined)
        .catch((err: unknown) => opts.logger.warn({ err }, "power-state sync failed"))
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
