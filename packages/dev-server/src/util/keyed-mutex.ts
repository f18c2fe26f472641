/**
 * Serializes async read-modify-write sequences per key, so two requests touching the same pending
 * request (a poll and an approval, two polls) cannot interleave between a store read and its write.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Only the last waiter removes the entry, so the map does not grow with finished keys.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
