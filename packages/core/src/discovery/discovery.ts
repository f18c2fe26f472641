/**
 * Issuer key discovery (P11 #jwks-discovery, SK08 §3.6/§3.9): `{issuer}/.well-known/{dwk}` → `issuer`
 * byte-equal → `jwks_uri` (egress-admitted, may be cross-origin if it passes admission) → key by `kid`.
 *
 * Cache rules: documents are fresh for Cache-Control max-age clamped to [60 s, 24 h] (1 h when absent;
 * `no-store` responses are used once and never stored); a stale document stands in for a failing
 * fetch up to 24 h after it was fetched; an unknown `kid` triggers at most one JWKS refetch per minute
 * per issuer; concurrent fetches of one URL share a single request.
 */
import { type Dwk, SIGNATURE_ERROR_CODE } from '../constants.js';
import { AbortedError, DiscoveryError, InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import type { VerificationKey } from '../http-signatures/types.js';
import { validateServerIdentifier } from '../identifiers.js';
import { createVerificationKey, type Jwks, type PublicJwk, validatePublicJwk } from '../keys/index.js';
import { LruCache } from '../util/lru.js';
import {
  type CachedDocument,
  createMemoryDiscoveryCache,
  type DiscoveryCache,
  freshnessSeconds,
  MAX_STALE_MS,
} from './cache.js';
import { type EgressPolicy, raceSignal, STRICT_EGRESS } from './egress.js';
import { fetchJson } from './fetch-json.js';
import { isDwk, keyDiscoveryMembers, type MetadataByDwk, validateMetadata } from './metadata.js';

/** Minimum time between two JWKS fetches of one issuer triggered by an unknown `kid`. */
export const KID_REFETCH_INTERVAL_MS = 60_000;
/** After a failed fetch, a stale document is served without retrying for this long. */
export const FAILURE_BACKOFF_MS = 60_000;

export interface DiscoveryOptions {
  fetch?: typeof fetch;
  /** Document store (default: an in-memory LRU of 1000 documents). */
  cache?: DiscoveryCache;
  /** Egress policy (default strict). The development profile also admits localhost http issuers. */
  egress?: EgressPolicy;
  timeoutMs?: number;
  maxBytes?: number;
  /** Clock in Unix seconds (default `Date.now() / 1000`), as everywhere in the library. */
  now?: () => number;
}

export interface DiscoveryRequestOptions {
  signal?: AbortSignal;
}

export interface GetKeyOptions extends DiscoveryRequestOptions {
  /**
   * The cached key for this `kid` failed to verify: refetch the JWKS (still rate-limited) before
   * answering, so a rotated key is picked up (P11 #jwks-discovery).
   */
  refresh?: boolean;
  /** Algorithms accepted for the key (default Ed25519 and ES256). */
  algorithms?: readonly string[];
}

export interface Discovery {
  /** Fetches and fully validates `{issuer}/.well-known/{dwk}` (REQUIRED members of that document). */
  getMetadata<D extends Dwk>(
    issuer: string,
    dwk: D,
    options?: DiscoveryRequestOptions,
  ): Promise<MetadataByDwk[D]>;
  /** The issuer's JWKS as published (entries are not judged: unusable unselected keys are fine). */
  getJwks(issuer: string, dwk: Dwk, options?: DiscoveryRequestOptions): Promise<Jwks>;
  /** The issuer's key for `kid`, validated and imported. */
  getKey(issuer: string, dwk: Dwk, kid: string, options?: GetKeyOptions): Promise<VerificationKey>;
}

type KeyMemo = Map<string, VerificationKey | DiscoveryError>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKey(message: string, url?: string, cause?: unknown): DiscoveryError {
  return new DiscoveryError(
    SIGNATURE_ERROR_CODE.unknownKey,
    message,
    url,
    cause === undefined ? undefined : { cause },
  );
}

function jwksKeys(body: unknown, url: string): unknown[] {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw unknownKey('JWKS has no "keys" array', url);
  return body.keys;
}

/** Validates and imports the selected JWKS entry; failures become DiscoveryErrors with the SK code. */
function importKey(entry: unknown, url: string, algorithms: readonly string[] | undefined): VerificationKey {
  try {
    const jwk: PublicJwk = validatePublicJwk(entry, algorithms ? { algorithms } : undefined);
    return createVerificationKey(jwk);
  } catch (cause) {
    if (cause instanceof UnsupportedAlgorithmError) {
      throw new DiscoveryError(SIGNATURE_ERROR_CODE.unsupportedAlgorithm, cause.message, url, { cause });
    }
    const message = cause instanceof InvalidKeyError ? cause.message : 'JWKS key is not usable';
    throw new DiscoveryError(SIGNATURE_ERROR_CODE.invalidKey, message, url, { cause });
  }
}

export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const cache = options.cache ?? createMemoryDiscoveryCache({ now: options.now });
  const egress = options.egress ?? STRICT_EGRESS;
  const allowLocalhostHttp = egress.profile === 'development';
  const clock = options.now;
  // Internal bookkeeping is in milliseconds.
  const now = clock ? () => clock() * 1000 : Date.now;
  const inflight = new Map<string, Promise<CachedDocument>>();
  const failures = new LruCache<string, number>(1000);
  const lastKidRefetch = new LruCache<string, number>(1000);
  const keyMemo = new WeakMap<object, KeyMemo>();
  const kidRefetches = new Map<string, Promise<CachedDocument>>();

  function fetchShared(url: string): Promise<CachedDocument> {
    const running = inflight.get(url);
    if (running) return running;
    // The shared fetch is bounded by its own timeout, not by any one caller's signal.
    const started = (async () => {
      try {
        const result = await fetchJson(url, {
          fetch: options.fetch,
          egress,
          timeoutMs: options.timeoutMs,
          maxBytes: options.maxBytes,
        });
        const fetchedAt = now();
        const doc: CachedDocument = {
          body: result.body,
          fetchedAt,
          freshUntil: fetchedAt + freshnessSeconds(result.cacheControl.maxAgeSeconds) * 1000,
        };
        if (!result.cacheControl.noStore) {
          // A failing shared store (Redis down) must not fail the lookup: the document is in hand.
          try {
            await cache.set(url, doc, MAX_STALE_MS);
          } catch {
            // Serving this document does not depend on the store.
          }
        }
        return doc;
      } catch (error) {
        failures.set(url, now());
        throw error;
      } finally {
        inflight.delete(url);
      }
    })();
    inflight.set(url, started);
    return started;
  }

  /** A failing store (Redis down) reads as a miss rather than failing the lookup. */
  async function readCache(url: string): Promise<CachedDocument | undefined> {
    try {
      return await cache.get(url);
    } catch {
      return undefined;
    }
  }

  async function load(url: string, signal: AbortSignal | undefined, force = false): Promise<CachedDocument> {
    if (signal?.aborted) throw new AbortedError('discovery was aborted', { cause: signal.reason });
    const cached = await readCache(url);
    const t = now();
    const usableStale = cached !== undefined && t - cached.fetchedAt < MAX_STALE_MS;
    if (cached && !force && t < cached.freshUntil) return cached;
    const failedAt = failures.get(url);
    if (usableStale && !force && failedAt !== undefined && t - failedAt < FAILURE_BACKOFF_MS) return cached;
    try {
      return await raceSignal(fetchShared(url), signal);
    } catch (error) {
      if (signal?.aborted) throw new AbortedError('discovery was aborted', { cause: error });
      if (usableStale) return cached;
      throw error;
    }
  }

  function checkIssuer(issuer: string, dwk: string): string {
    if (!isDwk(dwk)) {
      throw new DiscoveryError(SIGNATURE_ERROR_CODE.invalidKey, `unknown well-known document ${dwk}`);
    }
    try {
      validateServerIdentifier(issuer, { allowLocalhostHttp });
    } catch (cause) {
      throw new DiscoveryError(
        SIGNATURE_ERROR_CODE.invalidKey,
        `${JSON.stringify(issuer)} is not a server identifier`,
        undefined,
        { cause },
      );
    }
    return `${issuer}/.well-known/${dwk}`;
  }

  async function jwksUriOf(issuer: string, dwk: Dwk, signal: AbortSignal | undefined): Promise<string> {
    const url = checkIssuer(issuer, dwk);
    const doc = await load(url, signal);
    return keyDiscoveryMembers(doc.body, issuer, { allowLocalhostHttp, url }).jwksUri;
  }

  function selectKey(
    doc: CachedDocument,
    kid: string,
    url: string,
    algorithms: readonly string[] | undefined,
  ): VerificationKey | undefined {
    const body = doc.body;
    const memo = isRecord(body) && !algorithms ? keyMemo.get(body) : undefined;
    const memoized = memo?.get(kid);
    if (memoized instanceof DiscoveryError) throw memoized;
    if (memoized) return memoized;
    // Select by kid only: unusable keys that are not selected never fail the lookup.
    const matches = jwksKeys(body, url).filter((entry) => isRecord(entry) && entry.kid === kid);
    if (matches.length === 0) return undefined;
    let result: VerificationKey | DiscoveryError;
    if (matches.length > 1) {
      result = new DiscoveryError(
        SIGNATURE_ERROR_CODE.invalidKey,
        `JWKS has several keys with kid ${kid}`,
        url,
      );
    } else {
      try {
        result = importKey(matches[0], url, algorithms);
      } catch (error) {
        if (!(error instanceof DiscoveryError)) throw error;
        result = error;
      }
    }
    if (isRecord(body) && !algorithms) {
      const table = keyMemo.get(body) ?? new Map<string, VerificationKey | DiscoveryError>();
      table.set(kid, result);
      keyMemo.set(body, table);
    }
    if (result instanceof DiscoveryError) throw result;
    return result;
  }

  function mayRefetch(issuer: string, doc: CachedDocument): boolean {
    const t = now();
    const last = Math.max(lastKidRefetch.get(issuer) ?? Number.NEGATIVE_INFINITY, doc.fetchedAt);
    if (t - last < KID_REFETCH_INTERVAL_MS) return false;
    lastKidRefetch.set(issuer, t);
    return true;
  }

  return {
    async getMetadata(issuer, dwk, requestOptions = {}) {
      const url = checkIssuer(issuer, dwk);
      const doc = await load(url, requestOptions.signal);
      return validateMetadata(dwk, doc.body, { expectedIssuer: issuer, allowLocalhostHttp, url });
    },

    async getJwks(issuer, dwk, requestOptions = {}) {
      const jwksUri = await jwksUriOf(issuer, dwk, requestOptions.signal);
      const doc = await load(jwksUri, requestOptions.signal);
      jwksKeys(doc.body, jwksUri);
      return doc.body as Jwks;
    },

    async getKey(issuer, dwk, kid, requestOptions = {}) {
      const { signal, algorithms } = requestOptions;
      if (typeof kid !== 'string' || kid === '') {
        throw new DiscoveryError(SIGNATURE_ERROR_CODE.unknownKey, 'no kid to select a key by');
      }
      const jwksUri = await jwksUriOf(issuer, dwk, signal);
      let doc = await load(jwksUri, signal);
      if (!requestOptions.refresh) {
        const key = selectKey(doc, kid, jwksUri, algorithms);
        if (key) return key;
      }
      // Concurrent callers share one refetch: its answer is as fresh as theirs would be.
      let refetch = kidRefetches.get(jwksUri);
      if (!refetch && mayRefetch(issuer, doc)) {
        refetch = load(jwksUri, undefined, true).finally(() => kidRefetches.delete(jwksUri));
        kidRefetches.set(jwksUri, refetch);
      }
      if (refetch) {
        try {
          doc = await raceSignal(refetch, signal);
        } catch (error) {
          if (signal?.aborted) throw new AbortedError('discovery was aborted', { cause: error });
          throw error;
        }
      }
      const key = selectKey(doc, kid, jwksUri, algorithms);
      if (key) return key;
      throw unknownKey(`no key with kid ${JSON.stringify(kid)} at ${jwksUri}`, jwksUri);
    },
  };
}
