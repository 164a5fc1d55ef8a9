// A VirtDriver that records every call and lets a test run a hook before one (to fail it, slow it
// down, or change the world meanwhile), in front of a real driver.
import type { VirtDriver } from "../virt/driver";

type Method = {
  [K in keyof VirtDriver]: VirtDriver[K] extends (...args: never[]) => unknown ? K : never;
}[keyof VirtDriver];

export interface Instrumented {
  driver: VirtDriver;
  calls: Array<{ method: Method; args: unknown[] }>;
  /** Run `fn` before each call of `method` (until cleared); a throw fails the call. */
  before(method: Method, fn: (...args: unknown[]) => unknown): void;
  /** Fail the next call of `method` with `err` (after running it when `after` is set). */
  failNext(method: Method, err: Error, opts?: { after?: boolean }): void;
  count(method: Method, uuid?: string): number;
  clear(): void;
}

export function instrument(real: VirtDriver): Instrumented {
  const calls: Instrumented["calls"] = [];
  const hooks = new Map<Method, (...args: unknown[]) => unknown>();
  const failures = new Map<Method, { err: Error; after: boolean }>();
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const method = prop as Method;
      return async (...args: unknown[]) => {
        calls.push({ method, args });
        await hooks.get(method)?.(...args);
        const failure = failures.get(method);
        if (failure) failures.delete(method);
        if (failure && !failure.after) throw failure.err;
        const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
        if (failure) throw failure.err;
        return result;
      };
    },
  });
  return {
    driver,
    calls,
    before: (method, fn) => void hooks.set(method, fn),
    failNext: (method, err, opts = {}) =>
      void failures.set(method, { err, after: opts.after ?? false }),
    count: (method, uuid) =>
      calls.filter((c) => c.method === method && (uuid === undefined || uuidOf(c.args[0]) === uuid))
        .length,
    clear() {
      hooks.clear();
      failures.clear();
    },
  };
}

/** The instance a call is about: its uuid argument, or the uuid of its spec (spawn). */
function uuidOf(arg: unknown): unknown {
  return typeof arg === "object" && arg !== null && "uuid" in arg ? arg.uuid : arg;
}
