/**
 * Per-scheme resolution of a parsed `Signature-Key` member to the key that must have made the HTTP
 * signature (SK08 §3.4–3.9, P11 #keying-material). Every failure is a SignatureVerificationError
 * carrying the Signature-Error code (cause kept); an abort of the caller's signal stays AbortedError.
 *
 * - `jwt`: verifyToken (typ allow-list, issuer discovery, claims); the HTTP key is `cnf.jwk`.
 * - `hwk`: the inline key, validated (a `kid` is refused: the scheme is pseudonymous).
 * - `jwks_uri`: `{id}/.well-known/{dwk}` → `issuer` → `jwks_uri` → key by `kid`.
 * - `jkt-jwt`: self-signed delegation; `iss` must be the thumbprint URN of the header `jwk`, the JWT
 *   verifies with that key, and the HTTP key is `cnf.jwk`.
 */

import type { Dwk } from '../constants.js';
import {
  DWK,
  SIGNATURE_ERROR_CODE,
  SIGNATURE_KEY_SCHEME,
  type SignatureErrorCode,
  SUPPORTED_ALGS,
  TOKEN_TYPE,
  type TokenKind,
} from '../constants.js';
import { createDiscovery, type Discovery } from '../discovery/discovery.js';
import { DEVELOPMENT_EGRESS, STRICT_EGRESS } from '../discovery/egress.js';
import {
  AbortedError,
  DiscoveryError,
  InvalidArgumentError,
  InvalidKeyError,
  SignatureVerificationError,
  TokenVerificationError,
  UnsupportedAlgorithmError,
} from '../errors.js';
import { registerSyncResolver } from '../http-signatures/sync-resolver.js';
import type {
  ResolvedSignatureKey,
  SignatureKeyResolver,
  VerificationKey,
  VerifiedTokenSummary,
} from '../http-signatures/types.js';
import { createVerificationKey, jwkThumbprint, validatePublicJwk } from '../keys/index.js';
import { decodeCompactJws, verifyJwsSignature } from '../tokens/jws.js';
import { checkConfirmationKey, checkHeaderAlg, isProblem } from '../tokens/rules.js';
import {
  type IssuerKeyResolver,
  type VerifiedToken,
  type VerifiedTokenCache,
  type VerifyTokenOptions,
  type VerifyTokenPolicy,
  verifyToken,
  verifyTokenFromCache,
} from '../tokens/verify.js';
import { isKnownSignatureKey } from './codec.js';
import type {
  HwkSignatureKey,
  JktJwtSignatureKey,
  JwksUriSignatureKey,
  JwtSignatureKey,
  KnownSignatureKey,
  SignatureKey,
} from './types.js';

type ResolvableScheme = 'jwt' | 'hwk' | 'jwks_uri' | 'jkt-jwt';

export interface SignatureKeyResolverOptions {
  /** Token kinds accepted in the `jwt` scheme (a typ allow-list; REQUIRED, no default). */
  accept: readonly TokenKind[];
  /** Schemes this resolver answers (default all four; AAuth resources pass `['jwt']`). */
  schemes?: readonly ResolvableScheme[];
  /** Issuer-key discovery for `jwt` and `jwks_uri` (default: one created for this resolver). */
  discovery?: Discovery;
  /** Alternative issuer-key lookup for `jwt` tokens (trust lists, pinned keys). */
  resolveIssuerKey?: IssuerKeyResolver;
  /** Expected `aud` of `jwt` tokens (this server's identifier). */
  audience?: string;
  /** Development profile: localhost http issuers and discovery. Never in production. */
  allowLocalhostHttp?: boolean;
  /** Clock in Unix seconds (default `Date.now() / 1000`). */
  now?: () => number;
  /** Algorithms accepted for HTTP-signature keys and JWTs (default Ed25519 and ES256). */
  algorithms?: readonly string[];
  /** How far a token's `iat` may be ahead, in seconds (default 60). */
  maxFutureIat?: number;
  /** Require this `dwk` on `jwt` tokens. */
  expectedDwk?: Dwk;
  /** Verified-token cache for the `jwt` scheme (`false` disables; default the shared cache). */
  jwtCache?: VerifiedTokenCache | false;
}

const ALL_SCHEMES: readonly ResolvableScheme[] = ['jwt', 'hwk', 'jwks_uri', 'jkt-jwt'];
const JKT_HASH: Readonly<Record<string, 'sha-256' | 'sha-512'>> = {
  [TOKEN_TYPE.jktS256]: 'sha-256',
  [TOKEN_TYPE.jktS512]: 'sha-512',
};

function sve(code: SignatureErrorCode, message: string, cause?: unknown, acceptAlgs?: readonly string[]) {
  return new SignatureVerificationError(
    code,
    message,
    acceptAlgs ? { acceptAlgs } : {},
    cause === undefined ? undefined : { cause },
  );
}

/** Maps any failure to a SignatureVerificationError with its Signature-Error code. */
function toSignatureError(
  error: unknown,
  algorithms: readonly string[],
  fallback: SignatureErrorCode,
): Error {
  if (error instanceof SignatureVerificationError || error instanceof AbortedError) return error;
  if (error instanceof TokenVerificationError || error instanceof DiscoveryError) {
    const accept =
      error.signatureError === SIGNATURE_ERROR_CODE.unsupportedAlgorithm ? algorithms : undefined;
    return sve(error.signatureError, error.message, error, accept);
  }
  if (error instanceof UnsupportedAlgorithmError) {
    return sve(SIGNATURE_ERROR_CODE.unsupportedAlgorithm, error.message, error, algorithms);
  }
  if (error instanceof InvalidKeyError) return sve(SIGNATURE_ERROR_CODE.invalidKey, error.message, error);
  const message = error instanceof Error ? error.message : 'Signature-Key could not be resolved';
  return sve(fallback, message, error);
}

export function createSignatureKeyResolver(options: SignatureKeyResolverOptions): SignatureKeyResolver {
  if (!options || !Array.isArray(options.accept) || options.accept.length === 0) {
    throw new InvalidArgumentError('createSignatureKeyResolver requires a non-empty accept list');
  }
  const schemes = options.schemes ?? ALL_SCHEMES;
  const algorithms = options.algorithms ?? SUPPORTED_ALGS;
  let discovery = options.discovery;
  const getDiscovery = (): Discovery => {
    // Created on first use so a resolver that never discovers never builds a cache.
    discovery ??= createDiscovery({
      egress: options.allowLocalhostHttp ? DEVELOPMENT_EGRESS : STRICT_EGRESS,
      now: options.now,
    });
    return discovery;
  };
  const currentTime = (): number => (options.now ? options.now() : Date.now() / 1000);

  function checkHttpKeyAlg(key: VerificationKey): VerificationKey {
    if (!algorithms.includes(key.alg)) {
      throw sve(
        SIGNATURE_ERROR_CODE.unsupportedAlgorithm,
        `key alg ${key.alg} is not accepted`,
        undefined,
        algorithms,
      );
    }
    return key;
  }

  /**
   * verifyToken options for one call. Written out rather than spread: V8 builds `{ ...a, b, c }` objects
   * slowly, and on a cache hit that would cost more than the rest of the resolution.
   */
  function tokenOptions(signal: AbortSignal | undefined): VerifyTokenOptions {
    const policy: VerifyTokenPolicy = {
      accept: options.accept,
      audience: options.audience,
      now: options.now,
      maxFutureIat: options.maxFutureIat,
      allowLocalhostHttp: options.allowLocalhostHttp,
      expectedDwk: options.expectedDwk,
      algorithms: options.algorithms,
      cache: options.jwtCache,
      signal,
    };
    const { resolveIssuerKey } = options;
    return resolveIssuerKey
      ? Object.assign(policy, { resolveIssuerKey })
      : Object.assign(policy, { discovery: getDiscovery() });
  }

  /** The HTTP key of a verified token: its `cnf.jwk` (SK08 §3.5); resource tokens carry none. */
  function jwtResolution(token: VerifiedToken): ResolvedSignatureKey {
    if (!token.cnfKey) {
      throw sve(SIGNATURE_ERROR_CODE.invalidJwt, `${token.typ} carries no cnf.jwk to sign requests with`);
    }
    return {
      scheme: SIGNATURE_KEY_SCHEME.jwt,
      key: checkHttpKeyAlg(token.cnfKey),
      token: token as VerifiedTokenSummary,
    };
  }

  async function resolveJwt(member: JwtSignatureKey, signal?: AbortSignal): Promise<ResolvedSignatureKey> {
    return jwtResolution(await verifyToken(member.jwt, tokenOptions(signal)));
  }

  function resolveHwk(member: HwkSignatureKey): ResolvedSignatureKey {
    if (member.jwk.kid !== undefined) {
      throw sve(SIGNATURE_ERROR_CODE.invalidKey, 'hwk keys must not carry a kid (pseudonymous scheme)');
    }
    const jwk = validatePublicJwk(member.jwk, { algorithms });
    return { scheme: SIGNATURE_KEY_SCHEME.hwk, key: createVerificationKey(jwk) };
  }

  async function resolveJwksUri(
    member: JwksUriSignatureKey,
    signal?: AbortSignal,
  ): Promise<ResolvedSignatureKey> {
    if (!(Object.values(DWK) as string[]).includes(member.dwk)) {
      throw sve(
        SIGNATURE_ERROR_CODE.invalidKey,
        `dwk ${JSON.stringify(member.dwk)} is not an AAuth document`,
      );
    }
    const dwk = member.dwk as Dwk;
    const key = await getDiscovery().getKey(member.id, dwk, member.kid, { signal, algorithms });
    return {
      scheme: SIGNATURE_KEY_SCHEME.jwksUri,
      key: checkHttpKeyAlg(key),
      issuer: { id: member.id, dwk, kid: member.kid },
    };
  }

  async function resolveJktJwt(member: JktJwtSignatureKey): Promise<ResolvedSignatureKey> {
    const invalid = (message: string, code: SignatureErrorCode = SIGNATURE_ERROR_CODE.invalidJwt) =>
      sve(code, message);
    const decoded = decodeCompactJws(member.jwt);
    const { header, payload } = decoded;
    const hash = typeof header.typ === 'string' ? JKT_HASH[header.typ] : undefined;
    if (!hash) throw invalid(`typ ${JSON.stringify(header.typ)} is not jkt-s256+jwt or jkt-s512+jwt`);
    const algProblem = checkHeaderAlg(header.alg, algorithms);
    if (algProblem) throw invalid(algProblem.message);
    if (header.crit !== undefined) throw invalid('JWT crit parameters are not supported');
    // The enclave key: its alg may be left to the header (SK08 examples omit it), never contradict it.
    const headerJwk = header.jwk;
    if (typeof headerJwk !== 'object' || headerJwk === null || Array.isArray(headerJwk)) {
      throw invalid('jkt-jwt header has no jwk');
    }
    const stated = (headerJwk as Record<string, unknown>).alg;
    if (stated !== undefined && stated !== header.alg)
      throw invalid('header jwk alg contradicts the JWT alg');
    let enclaveKey: VerificationKey;
    try {
      enclaveKey = createVerificationKey(
        validatePublicJwk({ ...headerJwk, alg: header.alg }, { algorithms }),
      );
    } catch (cause) {
      throw sve(SIGNATURE_ERROR_CODE.invalidJwt, 'jkt-jwt header jwk is not a usable key', cause);
    }
    const expectedIss = `urn:jkt:${hash}:${hash === 'sha-256' ? enclaveKey.thumbprint : jwkThumbprint(enclaveKey.jwk, hash)}`;
    if (payload.iss !== expectedIss) throw invalid('jkt-jwt iss is not the thumbprint URN of the header jwk');
    if (!(await verifyJwsSignature(decoded, enclaveKey))) throw invalid('jkt-jwt signature does not verify');
    const { iat, exp } = payload;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('jkt-jwt exp is missing');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('jkt-jwt iat is missing');
    const now = currentTime();
    if (now >= exp) throw invalid('jkt-jwt has expired', SIGNATURE_ERROR_CODE.expiredJwt);
    if (iat > now + (options.maxFutureIat ?? 60)) {
      throw invalid('jkt-jwt iat is in the future', SIGNATURE_ERROR_CODE.clockSkew);
    }
    const cnf = checkConfirmationKey(payload.cnf, algorithms);
    if (isProblem(cnf))
      throw sve(
        cnf.code,
        cnf.message,
        cnf.cause,
        cnf.code === 'unsupported_algorithm' ? algorithms : undefined,
      );
    return {
      scheme: SIGNATURE_KEY_SCHEME.jktJwt,
      key: createVerificationKey(cnf.jwk),
      token: { kind: 'jkt', typ: header.typ as string, raw: member.jwt, header, claims: payload },
    };
  }

  function checkScheme(member: SignatureKey): asserts member is KnownSignatureKey {
    if (!isKnownSignatureKey(member) || !schemes.includes(member.scheme)) {
      throw new SignatureVerificationError(
        SIGNATURE_ERROR_CODE.unsupportedScheme,
        `Signature-Key scheme ${JSON.stringify(member?.scheme)} is not accepted`,
        { acceptSchemes: schemes },
      );
    }
  }

  const resolver: SignatureKeyResolver = async (member, signal) => {
    checkScheme(member);
    try {
      switch (member.scheme) {
        case 'jwt':
          return await resolveJwt(member, signal);
        case 'hwk':
          return resolveHwk(member);
        case 'jwks_uri':
          return await resolveJwksUri(member, signal);
        case 'jkt-jwt':
          return await resolveJktJwt(member);
      }
    } catch (error) {
      throw toSignatureError(error, algorithms, SIGNATURE_ERROR_CODE.unknownKey);
    }
  };

  // The synchronous twin: a token already in the verified-token cache, or an inline hwk key.
  registerSyncResolver(resolver, (member) => {
    checkScheme(member);
    try {
      switch (member.scheme) {
        case 'jwt': {
          const token = verifyTokenFromCache(member.jwt, tokenOptions(undefined));
          return token === undefined ? undefined : jwtResolution(token);
        }
        case 'hwk':
          return resolveHwk(member);
        default:
          return undefined;
      }
    } catch (error) {
      throw toSignatureError(error, algorithms, SIGNATURE_ERROR_CODE.unknownKey);
    }
  });
  return resolver;
}
