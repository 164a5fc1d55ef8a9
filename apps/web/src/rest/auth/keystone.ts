// The `keystone` strategy: X-Auth-Token is a token issued by /identity/v3, validated by the
// conductor (by its sha256; the token itself never leaves this process) and cached for a short
// while, as keystonemiddleware caches validations. A cached entry lives at most `cacheMs` and never
// past the token's expiry, and goes at once when identity.change says its token, user, project or
// roles changed, so a revoked token is refused by every API immediately.
import type { identityChangeEvent } from "@nimbus/rpc";
import {
  isRpcError,
  newRequestId,
  validateToken,
  type Bus,
  type Subscription,
  type TokenData,
} from "@nimbus/rpc";
import type { z } from "zod";
import type { Logger } from "../../logger";
import { tokenHashOf } from "../../services/identity";
import type { TokenHolder } from "../context";
import { HttpError } from "../errors";
import type { AuthStrategy } from "./strategy";

/** What a token's data grants: its roles by name, admin if it holds `admin`. */
export function holderFrom(data: TokenData): TokenHolder {
  const roles = data.roles.map((r) => r.name);
  return {
    userId: data.user.id,
    projectId: data.project?.id ?? null,
    roles,
    isAdmin: roles.includes("admin"),
  };
}

/** keystonemiddleware's answer to a missing or bad token, whichever API it guards. */
export function keystoneRejection(base: string): HttpError {
  return new HttpError(
    401,
    "The request you have made requires authentication.",
    { "WWW-Authenticate": `Keystone uri="${base}/identity"` },
    "keystone",
  );
}

type Change = z.output<typeof identityChangeEvent.payload>;

interface Entry {
  data: TokenData;
  holder: TokenHolder;
  /** epoch ms after which the entry is not used */
  until: number;
}

export interface KeystoneOptions {
  bus: Bus;
  log: Logger;
  /** How long a validation is trusted without asking again (ms, default 30 s). */
  cacheMs?: number;
  /** Entries kept at most; the oldest go first (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

export interface KeystoneStrategy extends AuthStrategy {
  /** The data of a valid token (cached), or null. */
  validate(token: string, requestId?: string): Promise<TokenData | null>;
  /** Entries held now (for tests). */
  readonly cached: number;
}

export async function keystone(options: KeystoneOptions): Promise<KeystoneStrategy> {
  const { bus, log } = options;
  const cacheMs = options.cacheMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  const dropWhere = (match: (e: Entry) => boolean) => {
    for (const [hash, entry] of cache) if (match(entry)) cache.delete(hash);
  };
  const onChange = (change: Change) => {
    switch (change.kind) {
      case "token":
        return dropWhere((e) => e.data.auditId === change.id);
      case "user":
        return dropWhere((e) => e.data.user.id === change.id);
      case "project":
        return dropWhere((e) => e.data.project?.id === change.id);
      case "assignment":
        return dropWhere((e) => e.data.user.id === change.userId);
      case "role":
        return cache.clear();
    }
  };

  const subscription: Subscription = await bus.subscribe(["identity.change"], (event) => {
    if (event.type === "identity.change") onChange(event.payload);
  });
  // Changes published while the connection was down were missed: trust nothing cached before.
  const onConnected = () => cache.clear();
  bus.on("connected", onConnected);

  /** The cached entry for a token, asking the conductor when there is none (null: not valid). */
  const entryFor = async (token: string, requestId = newRequestId()): Promise<Entry | null> => {
    const hash = tokenHashOf(token);
    const hit = cache.get(hash);
    if (hit && hit.until > now()) return hit;
    if (hit) cache.delete(hash);
    let data: TokenData;
    try {
      data = await bus.call(
        validateToken,
        { tokenHash: hash },
        { ctx: { requestId }, timeoutMs: 10_000 },
      );
    } catch (err) {
      if (isRpcError(err, "unauthorized")) return null;
      throw err;
    }
    const entry = {
      data,
      holder: holderFrom(data),
      until: Math.min(now() + cacheMs, Date.parse(data.expiresAt)),
    };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(hash, entry);
    return entry;
  };

  return {
    name: "keystone",
    validate: async (token, requestId) => (await entryFor(token, requestId))?.data ?? null,
    authenticate: async (token, requestId) => (await entryFor(token, requestId))?.holder ?? null,
    rejection: keystoneRejection,
    forget(token) {
      cache.delete(tokenHashOf(token));
    },
    get cached() {
      return cache.size;
    },
    async close() {
      bus.off("connected", onConnected);
      await subscription.close();
      log.debug("keystone token cache closed");
    },
  };
}
