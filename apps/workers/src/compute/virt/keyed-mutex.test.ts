import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("KeyedMutex", () => {
  it("runs tasks of one key one at a time, in order", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.run("a", async () => {
      log.push("first start");
      await gate.promise;
      log.push("first end");
      return 1;
    });
    const second = mutex.run("a", async () => {
      log.push("second");
      return 2;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(["first start"]);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(["first start", "first end", "second"]);
  });

  it("runs different keys in parallel", async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const blocked = mutex.run("a", () => gate.promise.then(() => "a"));
    // Would never settle if "b" waited behind "a".
    await expect(mutex.run("b", async () => "b")).resolves.toBe("b");
    gate.resolve();
    await expect(blocked).resolves.toBe("a");
  });

  it("keeps going after a task fails and passes the failure to its caller only", async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run("a", async () => {
      throw new Error("boom");
    });
    const next = mutex.run("a", async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });

  it("forgets keys once their queue is empty", async () => {
    const mutex = new KeyedMutex();
    await Promise.all([mutex.run("a", async () => 1), mutex.run("b", async () => 2)]);
    await new Promise((r) => setImmediate(r));
    expect(mutex.size).toBe(0);
  });
});
