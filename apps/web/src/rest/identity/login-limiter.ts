// Failed logins, counted per (user, client address) in this process: after `maxFailures` within
// `windowMs` the pair is refused (429) until the oldest of them leaves the window. A success
// clears the pair. Memory is bounded: past `maxKeys` pairs, the least recently failed go first.

export interface LoginLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export interface LoginLimiter {
  /** Seconds until the pair may try again, or null if it may now. */
  retryAfter(key: string): number | null;
  failed(key: string): void;
  succeeded(key: string): void;
}

/** The pair a login attempt counts against; user names compare case-insensitively, as in MariaDB. */
export const loginKey = (user: string, address: string) => `${user.toLowerCase()}\n${address}`;

export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  /** failure times per key, oldest first; Map order = least recently failed first */
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const cutoff = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) failures.delete(key);
    return times;
  };

  return {
    retryAfter(key) {
      const times = recent(key);
      if (times.length < maxFailures) return null;
      return Math.max(1, Math.ceil((times[times.length - maxFailures]! + windowMs - now()) / 1000));
    },
    failed(key) {
      const times = [...recent(key), now()].slice(-maxFailures);
      failures.delete(key);
      failures.set(key, times);
      if (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    succeeded(key) {
      failures.delete(key);
    },
  };
}
