/**
 * Replay protection beyond the `created` window (P11 #freshness-and-replay): a verified signature is
 * remembered until it would be too old anyway, and a second request carrying the same signature bytes
 * from the same key is refused. The interface is async so a shared store (Redis) can implement it.
 */
import { InvalidArgumentError } from '@aauth-kit/core';

export interface ReplayStore {
  /**
   * Record `key` until `expiresAt` (Unix seconds, as every clock in aauth-kit). Resolves `true` when the key was new (or its
   * previous record had expired), `false` when it was already recorded: a replay. Must be atomic per key.
   */
  remember(key: string, expiresAt: number): Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  /** Most entries kept. When full, expired entries are dropped first, then the oldest ones. */
  maxEntries: number;
  /** Clock in Unix seconds (tests). Default `Date.now() / 1000`. */
  now?: () => number;
}

/**
 * A bounded, expiring in-memory replay store for one process. Entries live in insertion order in a Map,
 * which is also (nearly) expiry order since every entry gets the same window, so sweeping from the front
 * is cheap. When more distinct signatures arrive within one window than `maxEntries`, the oldest are
 * evicted: size `maxEntries` for your peak request rate times the signature window.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions): ReplayStore {
  const { maxEntries } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidArgumentError('maxEntries must be a positive integer');
  }
  const now = options.now ?? (() => Date.now() / 1000);
  const entries = new Map<string, number>();

  function sweep(at: number): void {
    for (const [key, expiresAt] of entries) {
      if (expiresAt > at) break;
      entries.delete(key);
    }
  }

  return {
    async remember(key: string, expiresAt: number): Promise<boolean> {
      const at = now();
      const seen = entries.get(key);
      if (seen !== undefined && seen > at) return false;
      if (seen !== undefined) entries.delete(key);
      if (entries.size >= maxEntries) sweep(at);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, expiresAt);
      return true;
    },
  };
}
