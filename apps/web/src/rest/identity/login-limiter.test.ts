import { describe, expect, it } from "vitest";
import { createLoginLimiter, loginKey } from "./login-limiter";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("login limiter", () => {
  it("refuses the sixth try within five minutes until the first failure is five minutes old", () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now });
    const key = loginKey("Alice", "10.0.0.1");
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter(key)).toBeNull();
      limiter.failed(key);
      c.advance(10_000);
    }
    // The first failure was 50 s ago: 250 s to go.
    expect(limiter.retryAfter(key)).toBe(250);
    c.advance(249_000);
    expect(limiter.retryAfter(key)).toBe(1);
    c.advance(1_000);
    expect(limiter.retryAfter(key)).toBeNull();
    // One more failure brings it back to five in the window.
    limiter.failed(key);
    expect(limiter.retryAfter(key)).toBe(10);
  });

  it("counts per user (any case) and address, and forgets a pair on success", () => {
    const c = clock();
    const limiter = createLoginLimiter({ now: c.now, maxFailures: 2 });
    limiter.failed(loginKey("bob", "a"));
    limiter.failed(loginKey("BOB", "a"));
    expect(limiter.retryAfter(loginKey("Bob", "a"))).toBe(300);
    expect(limiter.retryAfter(loginKey("bob", "b"))).toBeNull();
    expect(limiter.retryAfter(loginKey("carol", "a"))).toBeNull();
    limiter.succeeded(loginKey("bob", "a"));
    expect(limiter.retryAfter(loginKey("bob", "a"))).toBeNull();
  });

  it("keeps at most maxKeys pairs, dropping the least recently failed", () => {
    const limiter = createLoginLimiter({ maxFailures: 1, maxKeys: 2 });
    limiter.failed("a");
    limiter.failed("b");
    limiter.failed("a");
    limiter.failed("c");
    expect(limiter.retryAfter("b")).toBeNull();
    expect(limiter.retryAfter("a")).not.toBeNull();
    expect(limiter.retryAfter("c")).not.toBeNull();
  });
});
