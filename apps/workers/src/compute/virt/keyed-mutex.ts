// Serializes work per key (an instance uuid) while different keys run in parallel.

export class KeyedMutex {
  /** The settled-or-not tail of each key's queue; it never rejects, so the next task always runs. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget idle keys so the map holds only keys with queued or running work.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** How many keys have queued or running work. */
  get size(): number {
    return this.tails.size;
  }
}
