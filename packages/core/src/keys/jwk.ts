/**
 * JWK rules of AAuth (P11 #signature-algorithms, SK08 §3.3): every conveyed key names a fully specified
 * `alg` consistent with its `kty`/`crv`. Pure functions, no crypto backend, so every signer can use them.
 */
import { ALG, PROHIBITED_ALGS, SUPPORTED_ALGS, type SupportedAlg } from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import type { Jwks, PrivateJwk, PublicJwk } from './types.js';

/** The `kty`/`crv` each supported algorithm requires. */
const KEY_SHAPE: Readonly<Record<SupportedAlg, { kty: string; crv: string }>> = {
  [ALG.ed25519]: { kty: 'OKP', crv: 'Ed25519' },
  [ALG.es256]: { kty: 'EC', crv: 'P-256' },
};

/**
 * Canonical unpadded base64url of exactly 32 bytes: 43 characters whose last one carries 4 data bits
 * and 2 zero bits. Rejecting non-canonical spellings keeps one key = one thumbprint.
 */
const B64URL_32_BYTES = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** JWK members that hold private or symmetric key material (RFC 7518 §6). */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export interface ValidatePublicJwkOptions {
  /** Algorithms the caller accepts (default `['Ed25519', 'ES256']`). */
  algorithms?: readonly string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSupportedAlg(alg: string): alg is SupportedAlg {
  return alg === ALG.ed25519 || alg === ALG.es256;
}

function isProhibitedAlg(alg: string): boolean {
  return PROHIBITED_ALGS.includes(alg) || alg.startsWith('HS');
}

/** The algorithm a `kty`/`crv` pair implies, when it is one this library signs with. */
export function algForKeyType(kty: unknown, crv: unknown): SupportedAlg | undefined {
  if (kty === 'OKP' && crv === 'Ed25519') return ALG.ed25519;
  if (kty === 'EC' && crv === 'P-256') return ALG.es256;
  return undefined;
}

/** Checks a stated `alg` against the AAuth rules and the accepted set; returns it typed. */
export function checkAlg(alg: unknown, accepted: readonly string[] = SUPPORTED_ALGS): SupportedAlg {
  if (alg === undefined || alg === null) {
    throw new UnsupportedAlgorithmError(
      'key has no "alg"; AAuth requires a fully specified algorithm',
      undefined,
    );
  }
  if (typeof alg !== 'string') {
    throw new UnsupportedAlgorithmError('key "alg" is not a string', undefined);
  }
  if (isProhibitedAlg(alg)) {
    throw new UnsupportedAlgorithmError(`algorithm "${alg}" is prohibited in AAuth`, alg);
  }
  if (!isSupportedAlg(alg) || !accepted.includes(alg)) {
    throw new UnsupportedAlgorithmError(`algorithm "${alg}" is not accepted`, alg);
  }
  return alg;
}

function checkCoordinate(jwk: Record<string, unknown>, member: 'x' | 'y' | 'd'): string {
  const value = jwk[member];
  if (typeof value !== 'string' || !B64URL_32_BYTES.test(value)) {
    throw new InvalidKeyError(`key member "${member}" must be the base64url encoding of 32 bytes`);
  }
  return value;
}

/** Checks `kty`/`crv`/`x`/`y` against `alg` and returns the normalized public members. */
function checkPublicMaterial(jwk: Record<string, unknown>, alg: SupportedAlg): PublicJwk {
  const shape = KEY_SHAPE[alg];
  if (jwk.kty !== shape.kty) {
    throw new InvalidKeyError(`"kty" must be "${shape.kty}" for ${alg}`);
  }
  if (jwk.crv !== shape.crv) {
    throw new InvalidKeyError(`"crv" must be "${shape.crv}" for ${alg}`);
  }
  const x = checkCoordinate(jwk, 'x');
  if (alg === ALG.es256) {
    const y = checkCoordinate(jwk, 'y');
    return { kty: shape.kty, crv: shape.crv, x, y, alg };
  }
  return { kty: shape.kty, crv: shape.crv, x, alg };
}

function checkKid(jwk: Record<string, unknown>): string | undefined {
  const kid = jwk.kid;
  if (kid === undefined) return undefined;
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new InvalidKeyError('"kid" must be a non-empty string');
  }
  return kid;
}

/** `use` and `key_ops`, when present, must allow signatures (RFC 7517 §4.2–4.3). */
function checkUsage(jwk: Record<string, unknown>, operation: 'sign' | 'verify'): void {
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new InvalidKeyError('"use" must be "sig" for a signing key');
  }
  const ops = jwk.key_ops;
  if (ops === undefined) return;
  if (!Array.isArray(ops) || !ops.includes(operation)) {
    throw new InvalidKeyError(`"key_ops" must include "${operation}"`);
  }
}

/**
 * Validates a public JWK as AAuth conveys it (`cnf.jwk`, `hwk`, JWKS entries) and returns a normalized
 * copy holding only `kty`, `crv`, `x`, `y` (EC), `alg` and `kid` (when present).
 * Throws UnsupportedAlgorithmError for a missing, prohibited, symmetric or unaccepted algorithm and
 * InvalidKeyError for malformed material, a `kty`/`crv` inconsistent with `alg`, or private members.
 */
export function validatePublicJwk(jwk: unknown, options?: ValidatePublicJwkOptions): PublicJwk {
  if (!isRecord(jwk)) throw new InvalidKeyError('a JWK must be a JSON object');
  if (jwk.kty === 'oct') {
    throw new UnsupportedAlgorithmError('symmetric ("oct") keys are prohibited in AAuth', asString(jwk.alg));
  }
  const alg = checkAlg(jwk.alg, options?.algorithms ?? SUPPORTED_ALGS);
  const normalized = checkPublicMaterial(jwk, alg);
  for (const member of PRIVATE_MEMBERS) {
    if (jwk[member] !== undefined) throw new InvalidKeyError(`a public JWK must not contain "${member}"`);
  }
  checkUsage(jwk, 'verify');
  const kid = checkKid(jwk);
  if (kid !== undefined) normalized.kid = kid;
  return normalized;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A validated private key: its algorithm, the private scalar/seed `d`, and the normalized public JWK. */
export interface ParsedPrivateJwk {
  alg: SupportedAlg;
  d: string;
  /** Public members with `alg`, and `kid` when the input or the options had one. */
  publicJwk: PublicJwk;
}

export interface ParsePrivateJwkOptions {
  /** Expected algorithm; must agree with the key's `alg` and `kty`/`crv`. */
  alg?: SupportedAlg;
  /** Overrides the JWK's own `kid`. */
  kid?: string;
}

/**
 * Validates a private JWK. `alg` may be absent (it is then implied by `kty`/`crv`: RFC 8037 keys carry
 * none); when present it follows the same rules as on a public key. Whether `d` really belongs to `x`
 * is checked by each backend, which can derive the public key.
 */
export function parsePrivateJwk(jwk: unknown, options?: ParsePrivateJwkOptions): ParsedPrivateJwk {
  if (!isRecord(jwk)) throw new InvalidKeyError('a JWK must be a JSON object');
  if (jwk.kty === 'oct') {
    throw new UnsupportedAlgorithmError('symmetric ("oct") keys are prohibited in AAuth', asString(jwk.alg));
  }
  const implied = algForKeyType(jwk.kty, jwk.crv);
  const stated = jwk.alg === undefined ? undefined : checkAlg(jwk.alg);
  const alg = stated ?? options?.alg ?? implied;
  if (alg === undefined) {
    throw new UnsupportedAlgorithmError(
      `key type "${String(jwk.kty)}"/"${String(jwk.crv)}" is not supported; use Ed25519 or ES256`,
      undefined,
    );
  }
  if (options?.alg !== undefined && options.alg !== alg) {
    throw new InvalidKeyError(`key is ${alg}, not ${options.alg}`);
  }
  const publicJwk = checkPublicMaterial(jwk, alg);
  const d = checkCoordinate(jwk, 'd');
  checkUsage(jwk, 'sign');
  const kid = options?.kid ?? checkKid(jwk);
  if (kid !== undefined) publicJwk.kid = kid;
  return { alg, d, publicJwk };
}

/** Type guard: `value` is a public JWK AAuth accepts (see validatePublicJwk). */
export function isPublicJwk(value: unknown, options?: ValidatePublicJwkOptions): value is PublicJwk {
  try {
    validatePublicJwk(value, options);
    return true;
  } catch {
    return false;
  }
}

/**
 * The public part of a JWK: private members removed, every other member (`alg`, `kid`, `use`, ...)
 * kept. Does not judge the key; use validatePublicJwk for that.
 */
export function exportPublicJwk(jwk: PrivateJwk | PublicJwk): PublicJwk {
  if (!isRecord(jwk) || typeof jwk.kty !== 'string') {
    throw new InvalidKeyError('a JWK must be a JSON object with a "kty"');
  }
  if (jwk.kty === 'oct') throw new InvalidKeyError('a symmetric ("oct") key has no public part');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (!(PRIVATE_MEMBERS as readonly string[]).includes(name)) out[name] = value;
  }
  if (Array.isArray(out.key_ops)) {
    // A private key's "sign" operation is "verify" on its public half.
    out.key_ops = out.key_ops.map((op: unknown) => (op === 'sign' ? 'verify' : op));
  }
  return out as unknown as PublicJwk;
}

/**
 * A JWKS holding the public parts of `keys`. Every key must be one AAuth accepts: published keys
 * MUST carry a fully specified `alg` (P11 #jwks-discovery).
 */
export function toJwks(...keys: (PublicJwk | PrivateJwk)[]): Jwks {
  return {
    keys: keys.map((key) => {
      const publicJwk = exportPublicJwk(key);
      validatePublicJwk(publicJwk);
      return publicJwk;
    }),
  };
}
