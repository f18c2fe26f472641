/**
 * Person and auth token caching: keys, refresh margin, the in-memory default store.
 *
 * Margin (P11 #refresh-margin): a token is not presented once less than 5 minutes remain. For tokens
 * that live less than 20 minutes the margin is a quarter of their lifetime instead (a 60 s test token
 * stays usable for 45 s), otherwise a short-lived token would never be usable at all.
 */
import { TOKEN_LIFETIME } from '../constants.js';
import type { StoredToken, TokenStore } from './types.js';

/** Refresh margin in seconds for a token issued at `iat` expiring at `exp` (both epoch seconds). */
export function refreshMarginSeconds(iat: number | undefined, exp: number, nowSeconds: number): number {
  const issued = iat !== undefined && Number.isFinite(iat) && iat < exp ? iat : nowSeconds;
  const lifetime = Math.max(0, exp - issued);
  return Math.min(TOKEN_LIFETIME.refreshMargin, Math.floor(lifetime / 4));
}

/** Epoch ms after which a token should no longer be presented. */
export function refreshAt(iat: number | undefined, exp: number, nowMs: number): number {
  return (exp - refreshMarginSeconds(iat, exp, Math.floor(nowMs / 1000))) * 1000;
}

/** Whether a stored token may still be presented at `nowMs`. */
export function isUsable(token: StoredToken | undefined, nowMs: number): token is StoredToken {
  return token !== undefined && nowMs < token.refreshAt;
}

/** Scopes in canonical order (a scope list is a set). */
export function scopeKey(scope: readonly string[]): string {
  return [...new Set(scope)].sort().join(' ');
}

export interface CacheKeyParts {
  /** Agent identity (`iss` + `sub` of the agent token): a different agent never reuses tokens. */
  agent: string;
  /** RFC 7638 thumbprint of the signing key: a rotated key never presents tokens bound to the old one. */
  thumbprint: string;
  resource: string;
  mission: string | undefined;
}

const SEP = '\u0000';

export function personTokenKey(parts: CacheKeyParts): string {
  return ['person', parts.agent, parts.thumbprint, parts.resource, parts.mission ?? ''].join(SEP);
}

export function authTokenKey(parts: CacheKeyParts, scope: readonly string[]): string {
  return ['auth', parts.agent, parts.thumbprint, parts.resource, parts.mission ?? '', scopeKey(scope)].join(
    SEP,
  );
}

/** The newest auth token obtained for a resource, whatever its scope (what a cold route presents first). */
export function latestAuthTokenKey(parts: CacheKeyParts): string {
  return ['auth-latest', parts.agent, parts.thumbprint, parts.resource, parts.mission ?? ''].join(SEP);
}

/** In-memory TokenStore: a Map with a size bound (oldest entries evicted first). */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, StoredToken>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  get(key: string): StoredToken | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: StoredToken): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
