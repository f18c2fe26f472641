/** A fixed-window counter per key (client IP), bounded in size so it cannot be used to exhaust memory. */
export class WindowCounter {
  readonly #entries = new Map<string, { count: number; resetAt: number }>();
  readonly #windowMs: number;
  readonly #maxKeys: number;

  constructor(windowMs: number, maxKeys = 10_000) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** Current count for `key` within its window. */
  count(key: string, nowMs: number): number {
    const entry = this.#entries.get(key);
    return entry && entry.resetAt > nowMs ? entry.count : 0;
  }

  /** Adds one to `key`'s count and returns the new count. */
  hit(key: string, nowMs: number): number {
    const entry = this.#entries.get(key);
    if (entry && entry.resetAt > nowMs) {
      entry.count += 1;
      return entry.count;
    }
    if (this.#entries.size >= this.#maxKeys) this.#evict(nowMs);
    this.#entries.set(key, { count: 1, resetAt: nowMs + this.#windowMs });
    return 1;
  }

  #evict(nowMs: number): void {
    for (const [key, entry] of this.#entries) if (entry.resetAt <= nowMs) this.#entries.delete(key);
    // Still full: drop the oldest insertion (Map keeps insertion order).
    if (this.#entries.size >= this.#maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
