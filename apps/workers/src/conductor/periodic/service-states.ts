// Which up/down state and enabled/disabled status of each service was last published, so that
// service.update goes out once per change — from the liveness check, a report or an admin's edit.
import type { Conductor } from "../deps";
import type { ServiceUpdate } from "../notifier";
import { isServiceUp, type Liveness, type ServiceRow } from "../repositories/mapping";

export class ServiceStates {
  private readonly published = new Map<number, string>();

  /** The service.update to publish for `row`, or null if nothing changed since the last one. */
  observe(row: ServiceRow, liveness: Liveness): ServiceUpdate | null {
    const update: ServiceUpdate = {
      binary: row.binary,
      host: row.host,
      state: isServiceUp(row, liveness) ? "up" : "down",
      status: row.disabled ? "disabled" : "enabled",
      disabledReason: row.disabled_reason,
      lastSeenUp: row.last_seen_up ? row.last_seen_up.toISOString() : null,
    };
    const signature = `${update.state}|${update.status}|${update.disabledReason ?? ""}`;
    if (this.published.get(row.id) === signature) return null;
    this.published.set(row.id, signature);
    return update;
  }

  forget(id: number): void {
    this.published.delete(id);
  }

  /** Publish what changed; a service not seen before counts as changed (so a restart re-tells). */
  publishChanges(c: Conductor, rows: ServiceRow[], ctx: { requestId: string }): number {
    const liveness = c.liveness();
    let changed = 0;
    for (const row of rows) {
      const update = this.observe(row, liveness);
      if (!update) continue;
      changed++;
      c.logger.info(
        { host: row.host, binary: row.binary, state: update.state, status: update.status },
        "service changed",
      );
      c.notifier.serviceChanged(update, ctx);
    }
    return changed;
  }

  /** Drop what is known of services that no longer exist. */
  retain(ids: Set<number>): void {
    for (const id of this.published.keys()) if (!ids.has(id)) this.published.delete(id);
  }
}
