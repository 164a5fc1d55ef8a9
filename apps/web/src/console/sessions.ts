// The console sessions this process relays: counted per token (a URL opens at most so many at
// once) and indexed per instance (closed together when it stops or goes away).
import type { ConsoleCloseReason } from "@nimbus/rpc/domain";

export interface Session {
  readonly instanceUuid: string;
  readonly tokenHash: string;
  /** End the session, telling the browser why (`text` overrides the reason's usual words). */
  close(reason: ConsoleCloseReason, text?: string): void;
}

export class SessionRegistry {
  private readonly byToken = new Map<string, Set<Session>>();
  private readonly byInstance = new Map<string, Set<Session>>();

  constructor(private readonly maxPerToken: number) {}

  /** Count `session` in, unless its token already has the most sessions allowed. */
  admit(session: Session): boolean {
    const ofToken = this.byToken.get(session.tokenHash) ?? new Set();
    if (ofToken.size >= this.maxPerToken) return false;
    ofToken.add(session);
    this.byToken.set(session.tokenHash, ofToken);
    const ofInstance = this.byInstance.get(session.instanceUuid) ?? new Set();
    ofInstance.add(session);
    this.byInstance.set(session.instanceUuid, ofInstance);
    return true;
  }

  remove(session: Session): void {
    for (const [map, key] of [
      [this.byToken, session.tokenHash],
      [this.byInstance, session.instanceUuid],
    ] as const) {
      const set = map.get(key);
      set?.delete(session);
      if (set?.size === 0) map.delete(key);
    }
  }

  ofInstance(uuid: string): Session[] {
    return [...(this.byInstance.get(uuid) ?? [])];
  }

  all(): Session[] {
    return [...this.byInstance.values()].flatMap((s) => [...s]);
  }

  get size(): number {
    let n = 0;
    for (const s of this.byInstance.values()) n += s.size;
    return n;
  }
}
