/**
 * Server-side records of `AAuth-Access` session tokens (P11 #aauth-access). Records are keyed by the
 * token's SHA-256 (never the raw token), so a dumped store or a log line cannot be replayed as a session.
 * The interface is async so a shared store (Redis, a database) can implement it.
 */
import { InvalidArgumentError } from '@aauth-kit/core';

/** What a session token is bound to. */
export interface SessionRecord {
  /** RFC 7638 thumbprint of the agent key the session was issued to; only that key may present it. */
  agentJkt: string;
  /** The agent identifier (`sub` of the agent token) the session was issued to. */
  agentId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; the token is refused from this instant on. */
  expiresAt: number;
}

export interface SessionStore {
  /** Store `record` under `id` (the token's hash) until `record.expiresAt`. */
  put(id: string, record: SessionRecord): Promise<void>;
  /** The record under `id`; undefined when unknown (expiry is also checked by the caller). */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Forget `id` (rolling refresh replaces the token the request presented). */
  delete(id: string): Promise<void>;
}

export interface MemorySessionStoreOptions {
  /** Most sessions kept. When full, expired sessions are dropped first, then the oldest ones. */
  maxEntries: number;
  /** Clock in Unix seconds (tests). Default `Date.now() / 1000`. */
  now?: () => number;
}

/** A bounded, expiring in-memory session store for one process (insertion order ≈ expiry order). */
export function createMemorySessionStore(options: MemorySessionStoreOptions): SessionStore {
  const { maxEntries } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidArgumentError('maxEntries must be a positive integer');
  }
  const now = options.now ?? (() => Date.now() / 1000);
  const entries = new Map<string, SessionRecord>();

  function evict(): void {
    const at = now();
    for (const [id, record] of entries) {
      if (record.expiresAt <= at) entries.delete(id);
    }
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
  }

  return {
    async put(id, record) {
      entries.delete(id);
      if (entries.size >= maxEntries) evict();
      entries.set(id, { ...record });
    },
    async get(id) {
      const record = entries.get(id);
      if (record === undefined) return undefined;
      if (record.expiresAt <= now()) {
        entries.delete(id);
        return undefined;
      }
      return { ...record };
    },
    async delete(id) {
      entries.delete(id);
    },
  };
}
