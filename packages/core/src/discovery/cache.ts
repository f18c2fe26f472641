/**
 * Storage for fetched discovery documents. The interface is async and stores plain JSON so a shared
 * store (Redis, a database) can implement it; the in-memory LRU below is the default.
 */

import { InvalidArgumentError } from '../errors.js';
import { LruCache } from '../util/lru.js';

/** A fetched document as stored. Times are milliseconds since the epoch. */
export interface CachedDocument {
  /** The parsed JSON body, exactly as fetched. */
  body: unknown;
  fetchedAt: number;
  /** Until when the document may be used without refetching (Cache-Control, bounded). */
  freshUntil: number;
}

export interface DiscoveryCache {
  get(key: string): Promise<CachedDocument | undefined>;
  /**
   * Store `value`; the store may drop it after `ttlMs` (it is still useful as a stale fallback
   * after `freshUntil`, up to 24 h after `fetchedAt`).
   */
  set(key: string, value: CachedDocument, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Freshness bounds (P11 #jwks-discovery: honour Cache-Control, drop after at most 24 h). */
export const MIN_FRESHNESS_SECONDS = 60;
export const MAX_FRESHNESS_SECONDS = 24 * 3600;
export const DEFAULT_FRESHNESS_SECONDS = 3600;
/** A stale document may stand in for a failing fetch until this long after it was fetched. */
export const MAX_STALE_MS = 24 * 3600 * 1000;

/** Freshness in seconds for a response's max-age (absent → 1 h), clamped to [60 s, 24 h]. */
export function freshnessSeconds(maxAgeSeconds: number | undefined): number {
  if (maxAgeSeconds === undefined) return DEFAULT_FRESHNESS_SECONDS;
  return Math.min(MAX_FRESHNESS_SECONDS, Math.max(MIN_FRESHNESS_SECONDS, maxAgeSeconds));
}

export interface MemoryDiscoveryCacheOptions {
  /** Bound on stored documents (default 1000); least recently used go first. */
  maxEntries?: number;
  /** Clock in Unix seconds (default `Date.now() / 1000`). */
  now?: () => number;
}

/** Bounded in-process LRU implementation of DiscoveryCache. */
export function createMemoryDiscoveryCache(options: MemoryDiscoveryCacheOptions = {}): DiscoveryCache {
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidArgumentError('maxEntries must be a positive integer');
  }
  const clock = options.now;
  const now = clock ? () => clock() * 1000 : Date.now;
  const entries = new LruCache<string, { value: CachedDocument; dropAt: number }>(maxEntries);
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() >= entry.dropAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, dropAt: now() + Math.max(0, ttlMs) });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
