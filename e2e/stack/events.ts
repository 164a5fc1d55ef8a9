// A test-only subscriber on a stack's vhost: it records every instance.create/update/delete the
// conductor publishes, so a test can assert the exact sequence of states a server went through (a
// GET can miss a task state that lasts a millisecond) and wait for a state without polling.
import { connectBus, createLogger, type Bus, type Instance } from "@nimbus/rpc";

export interface StateStep {
  vmState: string;
  taskState: string | null;
  powerState: number;
}

type Listener = () => void;

export interface StackEvents {
  /** The servers seen in any notification so far. */
  servers(): string[];
  /** Every instance.create/update of a server, in the order they arrived. */
  updates(uuid: string): Instance[];
  /**
   * The (vm_state, task_state, power_state) steps of a server, consecutive repeats folded,
   * from update number `from` on (take `updates(uuid).length` before an action to see only it).
   */
  steps(uuid: string, from?: number): StateStep[];
  /** The servers an instance.delete was published for. */
  readonly deleted: ReadonlySet<string>;
  /** Resolves with the first update of `uuid` (recorded or to come) that satisfies `predicate`. */
  waitFor(uuid: string, predicate: (i: Instance) => boolean, timeoutMs?: number): Promise<Instance>;
  /** Resolves with the first value other than undefined `check` returns, asked again on every event. */
  until<T>(check: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Called on every recorded event (for waiters that re-check something else). */
  onEvent(listener: Listener): () => void;
  close(): Promise<void>;
}

export async function observeStack(amqpUrl: string): Promise<StackEvents> {
  const updates = new Map<string, Instance[]>();
  const deleted = new Set<string>();
  const listeners = new Set<Listener>();
  const bus: Bus = await connectBus({
    url: amqpUrl,
    service: "e2e-observer",
    host: "e2e",
    logger: createLogger("e2e-observer", "silent"),
  });
  // Only what it records: instance.action (three a boot) would cost the broker a delivery and
  // this process a decode each, which the benchmarks that start a stack would count against the
  // cloud.
  await bus.subscribe(["instance.create", "instance.update", "instance.delete"], (event) => {
    if (event.type === "instance.update" || event.type === "instance.create") {
      const { instance } = event.payload as { instance: Instance };
      const list = updates.get(instance.uuid) ?? [];
      list.push(instance);
      updates.set(instance.uuid, list);
    } else if (event.type === "instance.delete") {
      deleted.add(event.payload.uuid);
    }
    for (const l of listeners) l();
  });

  const onEvent = (listener: Listener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  /** Resolves with `check()`'s first defined value, re-checked on every event. */
  const until = <T>(check: () => T | undefined, timeoutMs: number, why: () => string) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(why()));
      }, timeoutMs);
      const off = onEvent(attempt);
      const done = () => {
        clearTimeout(timer);
        off();
      };
      attempt();
    });

  return {
    servers: () => [...updates.keys()],
    updates: (uuid) => [...(updates.get(uuid) ?? [])],
    steps(uuid, from = 0) {
      const out: StateStep[] = [];
      for (const i of (updates.get(uuid) ?? []).slice(from)) {
        const step = { vmState: i.vmState, taskState: i.taskState, powerState: i.powerState };
        const last = out.at(-1);
        if (
          !last ||
          last.vmState !== step.vmState ||
          last.taskState !== step.taskState ||
          last.powerState !== step.powerState
        ) {
          out.push(step);
        }
      }
      return out;
    },
    deleted,
    waitFor(uuid, predicate, timeoutMs = 30_000) {
      return until(
        () => (updates.get(uuid) ?? []).find(predicate),
        timeoutMs,
        () => {
          const last = updates.get(uuid)?.at(-1);
          const state = last
            ? `${last.vmState}/${last.taskState}/${last.powerState}`
            : "no update at all";
          return `no matching instance.update for ${uuid} within ${timeoutMs} ms (last: ${state})`;
        },
      );
    },
    until: (check, timeoutMs = 30_000) =>
      until(check, timeoutMs, () => `condition not met within ${timeoutMs} ms`),
    onEvent,
    close: () => bus.close(),
  };
}
