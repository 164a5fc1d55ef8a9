// At-least-once delivery means a handler can see a message twice (a redelivery after a crash, or a
// producer's retry after a lost confirm). Handlers with side effects skip ids they have already seen.
import type { CastHandlerFn, HandlerMeta } from "./bus.js";
import type { CastContract } from "./contract.js";

export interface DedupeStore {
  seen(messageId: string): boolean | Promise<boolean>;
  remember(messageId: string): void | Promise<void>;
}

/** Remembers the last `capacity` ids in this process. The conductor backs this with a table. */
export function createMemoryDedupe(capacity = 10_000): DedupeStore {
  const ids = new Set<string>();
  return {
    seen: (id) => ids.has(id),
    remember(id) {
      ids.delete(id);
      ids.add(id);
      // A Set iterates in insertion order, so the first entry is the least recently remembered.
      if (ids.size > capacity) ids.delete(ids.values().next().value!);
    },
  };
}

/**
 * Wrap a cast handler so it runs at most once per message id. The id is remembered only after the
 * handler succeeds, so a failed attempt is retried. A copy arriving while the first is still running
 * in this process is skipped too; the running one will either finish or be redelivered.
 */
export function dedupe<C extends CastContract>(
  store: DedupeStore,
  fn: CastHandlerFn<C>,
): CastHandlerFn<C> {
  const running = new Set<string>();
  return async (payload, meta) => {
    const id = meta.messageId;
    // Claim the id before the first await, or two copies could both pass the check.
    if (running.has(id)) return skipped(meta);
    running.add(id);
    try {
      if (await store.seen(id)) return skipped(meta);
      await fn(payload, meta);
      await store.remember(id);
    } finally {
      running.delete(id);
    }
  };
}

function skipped(meta: HandlerMeta): void {
  meta.logger.info("duplicate message skipped");
}
