/**
 * Claim rules shared by minting and verification (P11 #common-claims, §4.3 matrix). Each check
 * returns a problem instead of throwing, so the minter can raise InvalidArgumentError and the verifier
 * TokenVerificationError with the Signature-Error code the problem names.
 */
import {
  SIGNATURE_ERROR_CODE,
  type SignatureErrorCode,
  SUPPORTED_ALGS,
  type TokenKind,
} from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { isAgentIdentifier, isServerIdentifier } from '../identifiers.js';
import { validatePublicJwk } from '../keys/index.js';
import type { PublicJwk } from '../keys/types.js';
import { DWKS_BY_KIND, MAX_LIFETIME_SECONDS } from './claims.js';

export interface ClaimProblem {
  code: SignatureErrorCode;
  /** Claim or header parameter at fault. */
  claim: string;
  message: string;
  cause?: unknown;
}

const INVALID_JWT = SIGNATURE_ERROR_CODE.invalidJwt;

function problem(claim: string, message: string, code: SignatureErrorCode = INVALID_JWT): ClaimProblem {
  return { code, claim, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** `aud`: a non-empty string, or a non-empty array of them (pre-final-11 peers send arrays). */
function isAudience(value: unknown): boolean {
  if (isNonEmptyString(value)) return true;
  return Array.isArray(value) && value.length > 0 && value.every(isNonEmptyString);
}

/**
 * The JWS `alg` header must be a fully specified algorithm this library verifies (P11 §2.3/§4.1).
 * `none`, `EdDSA`, `HS*` and a missing `alg` make the token itself invalid: `invalid_jwt` (the
 * `unsupported_algorithm` code is about the HTTP signature key, P11 §2.4 step 6).
 */
export function checkHeaderAlg(
  alg: unknown,
  algorithms: readonly string[] = SUPPORTED_ALGS,
): ClaimProblem | undefined {
  if (alg === undefined) return problem('alg', 'JWT header has no alg');
  if (typeof alg !== 'string') return problem('alg', 'JWT header alg is not a string');
  if (!(SUPPORTED_ALGS as readonly string[]).includes(alg) || !algorithms.includes(alg)) {
    return problem(
      'alg',
      `JWT alg ${JSON.stringify(alg)} is not accepted (fully specified Ed25519 or ES256 only)`,
    );
  }
  return undefined;
}

/** Presence and type of the claims REQUIRED for `kind`, and claims it MUST NOT carry. */
export function checkRequiredClaims(
  kind: TokenKind,
  claims: Record<string, unknown>,
): ClaimProblem | undefined {
  if (!isNonEmptyString(claims.iss)) return problem('iss', 'iss is missing');
  if (!isNonEmptyString(claims.dwk)) return problem('dwk', 'dwk is missing');
  if (!isNonEmptyString(claims.jti)) return problem('jti', 'jti is missing');
  if (claims.iat === undefined) return problem('iat', 'iat is missing (REQUIRED)');
  if (!isNumericDate(claims.iat)) return problem('iat', 'iat is not a NumericDate');
  if (claims.exp === undefined) return problem('exp', 'exp is missing');
  if (!isNumericDate(claims.exp)) return problem('exp', 'exp is not a NumericDate');
  if (kind !== 'resource') {
    if (!isRecord(claims.cnf) || claims.cnf.jwk === undefined) return problem('cnf', 'cnf.jwk is missing');
  }
  if (!isNonEmptyString(claims.sub)) return problem('sub', 'sub is missing');
  if (kind !== 'agent' && !isAudience(claims.aud)) return problem('aud', 'aud is missing or malformed');
  if (kind === 'person') {
    if (claims.scope !== undefined) return problem('scope', 'a person token MUST NOT carry scope');
    if (claims.account !== undefined) return problem('account', 'a person token MUST NOT carry account');
  }
  if ((kind === 'resource' || kind === 'auth') && !isNonEmptyString(claims.ps)) {
    return problem('ps', 'ps is missing');
  }
  if (kind === 'resource') {
    if (!isNonEmptyString(claims.agent_jkt)) return problem('agent_jkt', 'agent_jkt is missing');
    if (!isNonEmptyString(claims.presented_jti)) return problem('presented_jti', 'presented_jti is missing');
  }
  return undefined;
}

/** `dwk` must be the document of the token's issuer role (exact compare, P11 Q24). */
export function checkDwk(kind: TokenKind, dwk: unknown): ClaimProblem | undefined {
  if (typeof dwk === 'string' && (DWKS_BY_KIND[kind] as readonly string[]).includes(dwk)) return undefined;
  return problem('dwk', `dwk ${JSON.stringify(dwk)} is not valid for a ${kind} token`);
}

/**
 * Identifier claims: `iss` (and `ps` when present) are server identifiers, an agent token's `sub`
 * and `parent_agent` are agent identifiers. Returns whether the strict rules hold or only the
 * development profile (localhost http) admits the server identifiers.
 */
export function checkIdentifiers(
  kind: TokenKind,
  claims: Record<string, unknown>,
): { profile: 'strict' | 'development' } | ClaimProblem {
  let profile: 'strict' | 'development' = 'strict';
  for (const claim of ['iss', 'ps'] as const) {
    const value = claims[claim];
    if (value === undefined && claim === 'ps') continue;
    if (isServerIdentifier(value)) continue;
    if (isServerIdentifier(value, { allowLocalhostHttp: true })) {
      profile = 'development';
      continue;
    }
    return problem(claim, `${claim} ${JSON.stringify(value)} is not a server identifier`);
  }
  if (kind === 'agent') {
    if (!isAgentIdentifier(claims.sub)) return problem('sub', 'sub is not an agent identifier');
    if (claims.parent_agent !== undefined && !isAgentIdentifier(claims.parent_agent)) {
      return problem('parent_agent', 'parent_agent is not an agent identifier');
    }
  }
  return { profile };
}

/**
 * `exp` after `iat`, and `exp − iat` within the kind's ceiling: always for person/auth tokens (MUST);
 * for agent/resource tokens only when `enforceRecommended` (minting follows the recommendation, a
 * verifier does not reject on a SHOULD).
 */
export function checkLifetime(
  kind: TokenKind,
  iat: number,
  exp: number,
  enforceRecommended: boolean,
): ClaimProblem | undefined {
  if (exp <= iat) return problem('exp', 'exp is not after iat');
  const mustBound = kind === 'person' || kind === 'auth';
  if ((mustBound || enforceRecommended) && exp - iat > MAX_LIFETIME_SECONDS[kind]) {
    return problem('exp', `${kind} token lifetime exp - iat exceeds ${MAX_LIFETIME_SECONDS[kind]} s`);
  }
  return undefined;
}

/**
 * `cnf.jwk` must be a key AAuth accepts. It is the key of the HTTP signature, so the codes follow
 * P11 §2.4 step 6: absent/polymorphic/unsupported `alg` → `unsupported_algorithm`, malformed material
 * or `kty`/`crv` inconsistent with `alg` → `invalid_key`.
 */
export function checkConfirmationKey(
  cnf: unknown,
  algorithms?: readonly string[],
): { jwk: PublicJwk } | ClaimProblem {
  if (!isRecord(cnf)) return problem('cnf', 'cnf.jwk is missing');
  try {
    return { jwk: validatePublicJwk(cnf.jwk, algorithms ? { algorithms } : undefined) };
  } catch (cause) {
    if (cause instanceof UnsupportedAlgorithmError) {
      return {
        code: SIGNATURE_ERROR_CODE.unsupportedAlgorithm,
        claim: 'cnf',
        message: `cnf.jwk: ${cause.message}`,
        cause,
      };
    }
    const message = cause instanceof InvalidKeyError ? cause.message : 'not a usable key';
    return { code: SIGNATURE_ERROR_CODE.invalidKey, claim: 'cnf', message: `cnf.jwk: ${message}`, cause };
  }
}

export function isProblem(value: unknown): value is ClaimProblem {
  return isRecord(value) && typeof value.code === 'string' && typeof value.claim === 'string';
}
