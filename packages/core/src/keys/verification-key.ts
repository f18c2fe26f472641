/**
 * Verification keys: a validated public JWK imported once into node:crypto, with a synchronous
 * `verify`. A bounded LRU makes repeated calls for the same key (every request of an agent) a map hit.
 */
import type { SupportedAlg } from '../constants.js';
import { InvalidKeyError } from '../errors.js';
import type { VerificationKey } from '../http-signatures/types.js';
import { LruCache } from '../util/lru.js';
import { nodeVerifyFunction, publicKeyFromJwk } from './backend-node.js';
import { isRecord, PRIVATE_MEMBERS, validatePublicJwk } from './jwk.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PublicJwk } from './types.js';

/** A VerificationKey whose `verify` is synchronous (the node:crypto backend). */
export interface SyncVerificationKey extends VerificationKey {
  verify(data: Uint8Array, signature: Uint8Array): boolean;
}

export const VERIFICATION_KEY_CACHE_SIZE = 1000;

const cache = new LruCache<string, SyncVerificationKey>(VERIFICATION_KEY_CACHE_SIZE);

/**
 * Cache key over every member the result depends on (alg, kty, crv, x, y, kid): equal keys give the
 * thumbprint plus alg plus kid, without hashing on the hot path. Undefined when a member is not a
 * string, so odd input always takes the validating path.
 */
function cacheKey(jwk: Record<string, unknown>): string | undefined {
  const { alg, kty, crv, x, y, kid } = jwk;
  if (
    typeof alg !== 'string' ||
    typeof kty !== 'string' ||
    typeof crv !== 'string' ||
    typeof x !== 'string'
  ) {
    return undefined;
  }
  if ((y !== undefined && typeof y !== 'string') || (kid !== undefined && typeof kid !== 'string'))
    return undefined;
  return `${alg} ${kty} ${crv} ${x} ${y ?? ''} ${kid ?? ''}`;
}

/** Members the validator judges beyond those in the cache key; their presence forces revalidation. */
function hasExtraRuledMembers(jwk: Record<string, unknown>): boolean {
  if (jwk.use !== undefined || jwk.key_ops !== undefined) return true;
  for (const member of PRIVATE_MEMBERS) if (jwk[member] !== undefined) return true;
  return false;
}

function build(jwk: PublicJwk): SyncVerificationKey {
  const normalized = Object.freeze(validatePublicJwk(jwk));
  // validatePublicJwk only returns keys whose alg is a SupportedAlg.
  const alg = normalized.alg as SupportedAlg;
  const verify = nodeVerifyFunction(alg, publicKeyFromJwk(normalized));
  return Object.freeze({ jwk: normalized, alg, thumbprint: jwkThumbprint(normalized), verify });
}

/**
 * Validates `jwk` (see validatePublicJwk), imports it, and returns `{ jwk, alg, thumbprint, verify }`.
 * `verify` is synchronous and returns false, never throws, for a bad signature (ES256: IEEE P1363).
 * The same key material, alg and kid return the same frozen object while it stays in the cache.
 */
export function createVerificationKey(jwk: PublicJwk): SyncVerificationKey {
  if (!isRecord(jwk)) throw new InvalidKeyError('a JWK must be a JSON object');
  const key = hasExtraRuledMembers(jwk) ? undefined : cacheKey(jwk);
  if (key !== undefined) {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
  }
  const built = build(jwk);
  if (key !== undefined) cache.set(key, built);
  return built;
}

/** Empties the verification-key cache (tests, key rotation drills). */
export function clearVerificationKeyCache(): void {
  cache.clear();
}
