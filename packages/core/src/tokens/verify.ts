/**
 * Verification of AAuth JWTs (P11 #common-verification and §4.4). Order:
 *   1. decode (malformed → invalid_jwt); JWS `alg` fully specified and accepted (none, EdDSA, HS*, missing
 *      → invalid_jwt: the token is invalid; `unsupported_algorithm` is reserved for the HTTP key, P11
 *      §2.4 step 6); `crit` refused;
 *   2. `typ` exact and in `accept` (no default: a default would fail open, P11 Q11);
 *   3. REQUIRED claims per kind; `dwk` matches the kind (and `expectedDwk`); `iss`/`ps` server ids;
 *   4. issuer key (discovery, static key or resolver) and signature;
 *   5. `exp` in the future with zero tolerance (expired_jwt); `iat` at most `maxFutureIat` ahead
 *      (clock_skew); `exp − iat` ≤ 1 h for person/auth tokens (invalid_jwt);
 *   6. `aud` contains `audience` when one is given;
 *   7. `cnf.jwk` usable (unsupported_algorithm / invalid_key).
 * A verified token is cached by its exact compact string until `exp`, so a repeated token costs a map
 * lookup plus the per-call checks (typ, time, aud, profile).
 */
import {
  type Dwk,
  SIGNATURE_ERROR_CODE,
  type SignatureErrorCode,
  type TokenKind,
  type TokenType,
} from '../constants.js';
import type { Discovery } from '../discovery/discovery.js';
import {
  type AAuthError,
  AbortedError,
  DiscoveryError,
  InvalidArgumentError,
  TokenVerificationError,
} from '../errors.js';
import type { VerificationKey } from '../http-signatures/types.js';
import { createVerificationKey } from '../keys/index.js';
import type { PublicJwk } from '../keys/types.js';
import { LruCache } from '../util/lru.js';
import { audienceIncludes, type TokenClaimsByKind, TYP_BY_KIND, tokenKindForTyp } from './claims.js';
import { type DecodedJws, decodeCompactJws, verifyJwsSignature } from './jws.js';
import {
  type ClaimProblem,
  checkConfirmationKey,
  checkDwk,
  checkHeaderAlg,
  checkIdentifiers,
  checkLifetime,
  checkRequiredClaims,
  isProblem,
} from './rules.js';

/** Where the issuer's token-signing key comes from. Exactly one of the three. */
export type IssuerKeySource =
  | { discovery: Discovery; key?: never; resolveIssuerKey?: never }
  | { key: PublicJwk | VerificationKey; discovery?: never; resolveIssuerKey?: never }
  | { resolveIssuerKey: IssuerKeyResolver; discovery?: never; key?: never };

/** Custom issuer-key lookup (trust lists, pinned keys). Throw, or return undefined for unknown_key. */
export type IssuerKeyResolver = (
  iss: string,
  dwk: Dwk,
  kid: string | undefined,
  signal?: AbortSignal,
) => PublicJwk | VerificationKey | undefined | Promise<PublicJwk | VerificationKey | undefined>;

export interface VerifyTokenPolicy {
  /** Token kinds accepted here (a `typ` allow-list). REQUIRED: there is no default. */
  accept: readonly TokenKind[];
  /**
   * Expected `aud` of person, resource and auth tokens (a string equal to it, or an array containing it).
   * Agent tokens have no `aud` and are not checked against it.
   */
  audience?: string;
  /** Clock in Unix seconds (default `Date.now() / 1000`), as in the HTTP signature API. */
  now?: () => number;
  /** How far `iat` may be ahead of the clock, in seconds (default 60) → clock_skew beyond. */
  maxFutureIat?: number;
  /** Development profile: `iss`/`ps` may be `http://localhost[:port]`. Never in production. */
  allowLocalhostHttp?: boolean;
  /** Require this `dwk` (e.g. `aauth-access.json` for 4-party auth tokens). */
  expectedDwk?: Dwk;
  /** Accepted JWS and `cnf.jwk` algorithms (default Ed25519 and ES256). */
  algorithms?: readonly string[];
  signal?: AbortSignal;
  /** Verified-token cache; `false` disables it (default: a shared bounded cache). */
  cache?: VerifiedTokenCache | false;
}

export type VerifyTokenOptions = VerifyTokenPolicy & IssuerKeySource;

export interface JwtHeader {
  alg: string;
  typ: TokenType;
  kid?: string;
  [parameter: string]: unknown;
}

export interface VerifiedTokenOf<K extends TokenKind> {
  kind: K;
  typ: TokenType;
  raw: string;
  header: Readonly<JwtHeader>;
  claims: Readonly<TokenClaimsByKind[K]>;
  /** The key the token binds (`cnf.jwk`, validated and normalized); absent for resource tokens. */
  cnfJwk?: PublicJwk;
  /** RFC 7638 SHA-256 thumbprint of `cnf.jwk`. */
  cnfThumbprint?: string;
  /** `cnf.jwk` imported, ready to verify the HTTP signature. */
  cnfKey?: VerificationKey;
}
export type VerifiedToken = { [K in TokenKind]: VerifiedTokenOf<K> }[TokenKind];

interface CacheEntry {
  token: VerifiedToken;
  /** Identity of the key source that verified it (a discovery, a resolver, or a key thumbprint). */
  source: unknown;
  /** `iss`/`ps` are localhost http: only valid under the development profile. */
  development: boolean;
  /** `exp` in Unix seconds. */
  exp: number;
}

/** Bounded store of verified tokens, keyed by the exact compact string. */
export class VerifiedTokenCache {
  readonly maxEntries: number;
  readonly #entries: LruCache<string, CacheEntry>;

  constructor(maxEntries = 10_000) {
    this.maxEntries = Math.max(1, Math.floor(maxEntries));
    this.#entries = new LruCache(this.maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(jwt: string): CacheEntry | undefined {
    return this.#entries.get(jwt);
  }

  set(jwt: string, entry: CacheEntry): void {
    this.#entries.set(jwt, entry);
  }

  delete(jwt: string): void {
    this.#entries.delete(jwt);
  }

  clear(): void {
    this.#entries.clear();
  }
}

const sharedCache = new VerifiedTokenCache();

/** Empties the shared verified-token cache (tests; after a revocation the cache must not answer). */
export function clearVerifiedTokenCache(): void {
  sharedCache.clear();
}

function fail(code: SignatureErrorCode, message: string, claim?: string, cause?: unknown): never {
  throw new TokenVerificationError(code, message, claim, cause === undefined ? undefined : { cause });
}

function raise(p: ClaimProblem): never {
  return fail(p.code, p.message, p.claim, p.cause);
}

function isVerificationKey(value: unknown): value is VerificationKey {
  return (
    typeof value === 'object' && value !== null && typeof (value as VerificationKey).verify === 'function'
  );
}

function toVerificationKey(key: PublicJwk | VerificationKey): VerificationKey {
  return isVerificationKey(key) ? key : createVerificationKey(key);
}

/** Identity of the key source, so a token verified under one source never answers for another. */
function sourceIdentity(options: VerifyTokenOptions): unknown {
  if (options.discovery) return options.discovery;
  if (options.resolveIssuerKey) return options.resolveIssuerKey;
  if (options.key) {
    try {
      const key = toVerificationKey(options.key);
      return `key:${key.alg}:${key.thumbprint}`;
    } catch (cause) {
      throw new InvalidArgumentError('the configured issuer key is not usable', { cause });
    }
  }
  throw new InvalidArgumentError('verifyToken needs one key source: discovery, key or resolveIssuerKey');
}

function checkOptions(options: VerifyTokenOptions): void {
  // Fails closed: a missing or empty allow-list is a configuration error, never "accept all".
  if (!options || !Array.isArray(options.accept) || options.accept.length === 0) {
    throw new InvalidArgumentError('verifyToken requires a non-empty accept list of token kinds');
  }
}

function checkAccepted(kind: TokenKind, accept: readonly TokenKind[]): void {
  if (!accept.includes(kind)) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, `${TYP_BY_KIND[kind]} is not accepted here`, 'typ');
  }
}

/** Per-call checks that depend on the caller's policy and clock (run on cache hits too). */
function checkPolicy(entry: CacheEntry, options: VerifyTokenOptions): void {
  const { token } = entry;
  checkAccepted(token.kind, options.accept);
  if (options.expectedDwk !== undefined && token.claims.dwk !== options.expectedDwk) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, `dwk is not ${options.expectedDwk}`, 'dwk');
  }
  if (entry.development && !options.allowLocalhostHttp) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, 'iss is a localhost identifier (development profile only)', 'iss');
  }
  if (options.algorithms) {
    if (!options.algorithms.includes(token.header.alg)) {
      fail(SIGNATURE_ERROR_CODE.invalidJwt, `JWT alg ${token.header.alg} is not accepted`, 'alg');
    }
    if (token.cnfKey && !options.algorithms.includes(token.cnfKey.alg)) {
      fail(
        SIGNATURE_ERROR_CODE.unsupportedAlgorithm,
        `cnf.jwk alg ${token.cnfKey.alg} is not accepted`,
        'cnf',
      );
    }
  }
}

function checkTimes(entry: CacheEntry, options: VerifyTokenOptions, now: number): void {
  const { claims } = entry.token;
  // Zero tolerance on exp (P11 #common-verification step 3).
  if (now >= entry.exp) fail(SIGNATURE_ERROR_CODE.expiredJwt, 'token has expired', 'exp');
  const maxFutureIat = options.maxFutureIat ?? 60;
  if (claims.iat > now + maxFutureIat) {
    fail(SIGNATURE_ERROR_CODE.clockSkew, `iat is more than ${maxFutureIat} s in the future`, 'iat');
  }
}

function checkAudience(entry: CacheEntry, options: VerifyTokenOptions): void {
  // Agent tokens carry no `aud` (P11 §4.3): the audience applies to person, resource and auth tokens.
  if (options.audience === undefined || entry.token.kind === 'agent') return;
  if (!audienceIncludes(entry.token.claims.aud, options.audience)) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, `aud does not name ${options.audience}`, 'aud');
  }
}

async function resolveIssuerKey(
  options: VerifyTokenOptions,
  iss: string,
  dwk: Dwk,
  kid: string | undefined,
  refresh: boolean,
): Promise<VerificationKey> {
  try {
    if (options.key) return toVerificationKey(options.key);
    if (options.discovery) {
      if (kid === undefined) fail(SIGNATURE_ERROR_CODE.invalidJwt, 'JWT header has no kid', 'kid');
      return await options.discovery.getKey(iss, dwk, kid, { signal: options.signal, refresh });
    }
    if (options.resolveIssuerKey) {
      const key = await options.resolveIssuerKey(iss, dwk, kid, options.signal);
      if (key === undefined)
        fail(SIGNATURE_ERROR_CODE.unknownKey, `no key for ${iss} kid ${String(kid)}`, 'kid');
      return toVerificationKey(key);
    }
  } catch (error) {
    throw issuerKeyError(error);
  }
  return fail(SIGNATURE_ERROR_CODE.invalidKey, 'no issuer key source configured');
}

/** Maps issuer-key failures to a TokenVerificationError; the caller's abort stays an AbortedError. */
function issuerKeyError(error: unknown): AAuthError {
  if (error instanceof TokenVerificationError || error instanceof AbortedError) return error;
  if (error instanceof DiscoveryError) {
    return new TokenVerificationError(error.signatureError, error.message, 'kid', { cause: error });
  }
  // Transport and egress failures: the key could not be obtained.
  const message = error instanceof Error ? error.message : 'issuer key lookup failed';
  return new TokenVerificationError(SIGNATURE_ERROR_CODE.unknownKey, message, 'kid', { cause: error });
}

async function verifySignature(
  decoded: DecodedJws,
  options: VerifyTokenOptions,
  iss: string,
  dwk: Dwk,
  kid: string | undefined,
): Promise<void> {
  let key = await resolveIssuerKey(options, iss, dwk, kid, false);
  for (let attempt = 0; ; attempt++) {
    if (key.alg !== decoded.header.alg) {
      fail(
        SIGNATURE_ERROR_CODE.invalidJwt,
        `JWT alg ${String(decoded.header.alg)} does not match its key`,
        'alg',
      );
    }
    let valid: boolean;
    try {
      valid = await verifyJwsSignature(decoded, key);
    } catch (cause) {
      // verifyJwsSignature (jose) throws a TokenVerificationError for a key jose cannot use or a
      // disallowed alg: keep it (it names the claim); anything else becomes invalid_jwt.
      if (cause instanceof TokenVerificationError) throw cause;
      return fail(SIGNATURE_ERROR_CODE.invalidJwt, 'JWT signature could not be verified', 'signature', cause);
    }
    if (valid) return;
    // A cached discovery key that fails may have been rotated: refetch once (rate-limited).
    if (attempt > 0 || !options.discovery) break;
    const fresh = await resolveIssuerKey(options, iss, dwk, kid, true);
    if (fresh === key) break;
    key = fresh;
  }
  fail(SIGNATURE_ERROR_CODE.invalidJwt, 'JWT signature does not verify', 'signature');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** Full verification of a token not in the cache. */
async function verifyUncached(jwt: string, options: VerifyTokenOptions, now: number): Promise<CacheEntry> {
  const decoded = decodeCompactJws(jwt);
  const { header, payload } = decoded;
  const algProblem = checkHeaderAlg(header.alg, options.algorithms);
  if (algProblem) raise(algProblem);
  if (header.crit !== undefined)
    fail(SIGNATURE_ERROR_CODE.invalidJwt, 'JWT crit parameters are not supported', 'crit');
  const kind = tokenKindForTyp(header.typ);
  if (kind === undefined)
    fail(
      SIGNATURE_ERROR_CODE.invalidJwt,
      `typ ${JSON.stringify(header.typ)} is not an AAuth token type`,
      'typ',
    );
  checkAccepted(kind, options.accept);
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, 'JWT kid is not a string', 'kid');
  }
  const required = checkRequiredClaims(kind, payload);
  if (required) raise(required);
  const dwkProblem = checkDwk(kind, payload.dwk);
  if (dwkProblem) raise(dwkProblem);
  if (options.expectedDwk !== undefined && payload.dwk !== options.expectedDwk) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, `dwk is not ${options.expectedDwk}`, 'dwk');
  }
  const identifiers = checkIdentifiers(kind, payload);
  if (isProblem(identifiers)) raise(identifiers);
  const development = identifiers.profile === 'development';
  if (development && !options.allowLocalhostHttp) {
    fail(SIGNATURE_ERROR_CODE.invalidJwt, 'iss is a localhost identifier (development profile only)', 'iss');
  }
  const claims = payload as unknown as TokenClaimsByKind[TokenKind];

  await verifySignature(decoded, options, claims.iss, claims.dwk, header.kid as string | undefined);

  const token = { kind, typ: header.typ, raw: jwt, header, claims } as VerifiedToken;
  const entry: CacheEntry = { token, source: undefined, development, exp: claims.exp };
  checkTimes(entry, options, now);
  const lifetime = checkLifetime(kind, claims.iat, claims.exp, false);
  if (lifetime) raise(lifetime);
  checkAudience(entry, options);
  if (kind !== 'resource') {
    const cnf = checkConfirmationKey(claims.cnf, options.algorithms);
    if (isProblem(cnf)) raise(cnf);
    try {
      const cnfKey = createVerificationKey(cnf.jwk);
      token.cnfJwk = cnfKey.jwk;
      token.cnfThumbprint = cnfKey.thumbprint;
      token.cnfKey = cnfKey;
    } catch (cause) {
      fail(SIGNATURE_ERROR_CODE.invalidKey, 'cnf.jwk cannot be imported', 'cnf', cause);
    }
  }
  deepFreeze(header);
  deepFreeze(payload);
  Object.freeze(token);
  return entry;
}

function currentTime(options: VerifyTokenOptions): number {
  return options.now ? options.now() : Date.now() / 1000;
}

function cacheOf(options: VerifyTokenOptions): VerifiedTokenCache | undefined {
  return options.cache === false ? undefined : (options.cache ?? sharedCache);
}

/** A cache hit still runs every check that depends on the caller's policy and clock. */
function answerFromCache(
  cache: VerifiedTokenCache,
  jwt: string,
  hit: CacheEntry,
  options: VerifyTokenOptions,
  now: number,
): VerifiedToken {
  if (now >= hit.exp) cache.delete(jwt);
  checkPolicy(hit, options);
  checkTimes(hit, options, now);
  checkAudience(hit, options);
  return hit.token;
}

/**
 * Verifies an AAuth JWT. Every failure is a TokenVerificationError carrying the Signature-Error code
 * and the claim at fault; an abort of `options.signal` is an AbortedError.
 */
export async function verifyToken(jwt: string, options: VerifyTokenOptions): Promise<VerifiedToken> {
  checkOptions(options);
  const now = currentTime(options);
  const cache = cacheOf(options);
  const source = sourceIdentity(options);
  if (cache && typeof jwt === 'string') {
    const hit = cache.get(jwt);
    if (hit && hit.source === source) return answerFromCache(cache, jwt, hit, options, now);
  }
  const entry = await verifyUncached(jwt, options, now);
  entry.source = source;
  if (cache) cache.set(jwt, entry);
  return entry.token;
}

/**
 * The cache-hit path of {@link verifyToken}, synchronous: the token when the cache holds it for this key
 * source (after the same per-call checks), `undefined` when only `verifyToken` can answer. Throws what
 * `verifyToken` would reject with. Lets a verifier finish a request without a promise chain.
 */
export function verifyTokenFromCache(jwt: string, options: VerifyTokenOptions): VerifiedToken | undefined {
  checkOptions(options);
  const now = currentTime(options);
  const cache = cacheOf(options);
  const source = sourceIdentity(options);
  if (cache === undefined || typeof jwt !== 'string') return undefined;
  const hit = cache.get(jwt);
  return hit && hit.source === source ? answerFromCache(cache, jwt, hit, options, now) : undefined;
}
