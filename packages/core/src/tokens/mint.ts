/**
 * Minting AAuth JWTs through the `Signer` interface (sign may be async: KMS/HSM). Everything a
 * verifier would reject is refused here first, with InvalidArgumentError, so an issuer never emits
 * a token its peers drop.
 */
import { DWK, type Dwk, SUPPORTED_ALGS, type TokenKind } from '../constants.js';
import { InvalidArgumentError } from '../errors.js';
import type { Signer } from '../keys/types.js';
import { encodeBase64Url } from '../util/base64.js';
import { MAX_LIFETIME_SECONDS, type TokenClaimsByKind, TYP_BY_KIND } from './claims.js';
import { encodeCompactJws } from './jws.js';
import {
  type ClaimProblem,
  checkConfirmationKey,
  checkDwk,
  checkIdentifiers,
  checkLifetime,
  checkRequiredClaims,
  isProblem,
} from './rules.js';

/** Default lifetimes in seconds (agent: 1 h as commonly issued; the others at their ceilings). */
export const DEFAULT_LIFETIME_SECONDS: Readonly<Record<TokenKind, number>> = Object.freeze({
  agent: 3600,
  person: 3600,
  resource: 300,
  auth: 3600,
});

/** The `dwk` each kind carries unless the claims say otherwise (auth: `aauth-access.json` from an AS). */
const DEFAULT_DWK: Readonly<Record<TokenKind, Dwk>> = {
  agent: DWK.agent,
  person: DWK.person,
  resource: DWK.resource,
  auth: DWK.person,
};

/** Claims the caller supplies: `iat`, `exp`, `jti` are filled by mintToken, `dwk` defaults per kind. */
export type MintClaims<K extends TokenKind> = Omit<TokenClaimsByKind[K], 'iat' | 'exp' | 'jti' | 'dwk'> & {
  dwk?: TokenClaimsByKind[K]['dwk'];
};

export interface MintTokenOptions {
  signer: Signer;
  /** `kid` of the signer's key in the issuer's JWKS. */
  kid: string;
  /** Clock in Unix seconds (default `Date.now() / 1000`); `iat` is its whole seconds. */
  now?: () => number;
  /** `exp − iat`; defaults per kind; at most 24 h (agent), 1 h (person, auth), 5 min (resource). */
  lifetimeSeconds?: number;
  /** Token id; default 128 random bits, base64url. */
  jti?: string;
  /** Development profile: `iss`/`ps` may be `http://localhost[:port]`. Never in production. */
  allowLocalhostHttp?: boolean;
}

const KINDS: readonly TokenKind[] = ['agent', 'person', 'resource', 'auth'];
const FILLED_CLAIMS = ['iat', 'exp', 'jti'] as const;

function refuse(p: ClaimProblem): never {
  throw new InvalidArgumentError(
    `cannot mint: ${p.message}`,
    p.cause === undefined ? undefined : { cause: p.cause },
  );
}

/** 128 random bits, base64url (22 characters). */
export function randomJti(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

function checkOptions(kind: TokenKind, options: MintTokenOptions): number {
  if (!KINDS.includes(kind)) throw new InvalidArgumentError(`unknown token kind ${JSON.stringify(kind)}`);
  const { signer, kid } = options;
  if (!signer || typeof signer.sign !== 'function') throw new InvalidArgumentError('a signer is required');
  if (!(SUPPORTED_ALGS as readonly string[]).includes(signer.alg)) {
    throw new InvalidArgumentError(`signer alg ${JSON.stringify(signer.alg)} is not Ed25519 or ES256`);
  }
  if (typeof kid !== 'string' || kid.length === 0)
    throw new InvalidArgumentError('kid must be a non-empty string');
  if (options.jti !== undefined && (typeof options.jti !== 'string' || options.jti.length === 0)) {
    throw new InvalidArgumentError('jti must be a non-empty string');
  }
  const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS[kind];
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_LIFETIME_SECONDS[kind]) {
    throw new InvalidArgumentError(
      `lifetimeSeconds for a ${kind} token must be an integer in 1..${MAX_LIFETIME_SECONDS[kind]}`,
    );
  }
  return lifetime;
}

/** Validates the claims a kind needs (P11 §4.3) on the payload about to be signed. */
function checkPayload(kind: TokenKind, payload: Record<string, unknown>, options: MintTokenOptions): void {
  const required = checkRequiredClaims(kind, payload);
  if (required) refuse(required);
  const dwk = checkDwk(kind, payload.dwk);
  if (dwk) refuse(dwk);
  if (kind !== 'agent' && typeof payload.aud !== 'string') {
    throw new InvalidArgumentError('cannot mint: aud must be a single server identifier string (final -11)');
  }
  const identifiers = checkIdentifiers(kind, payload);
  if (isProblem(identifiers)) refuse(identifiers);
  if (identifiers.profile === 'development' && !options.allowLocalhostHttp) {
    throw new InvalidArgumentError(
      'cannot mint: iss/ps are localhost identifiers (development profile only)',
    );
  }
  if (kind !== 'resource') {
    const cnf = checkConfirmationKey(payload.cnf);
    if (isProblem(cnf)) refuse(cnf);
  }
  const lifetime = checkLifetime(kind, payload.iat as number, payload.exp as number, true);
  if (lifetime) refuse(lifetime);
}

/**
 * Mints an AAuth JWT of `kind`. Header `{alg, kid, typ}`; payload `dwk`, the caller's claims in
 * their order, then `exp`, `iat`, `jti`. Returns the compact serialization.
 */
export async function mintToken<K extends TokenKind>(
  kind: K,
  claims: MintClaims<K>,
  options: MintTokenOptions,
): Promise<string> {
  const lifetime = checkOptions(kind, options);
  const input = claims as unknown as Record<string, unknown>;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError('claims must be an object');
  }
  for (const claim of FILLED_CLAIMS) {
    if (input[claim] !== undefined) {
      throw new InvalidArgumentError(
        `cannot mint: ${claim} is set by mintToken (use options.now/lifetimeSeconds/jti)`,
      );
    }
  }
  const iat = Math.floor(options.now ? options.now() : Date.now() / 1000);
  const payload: Record<string, unknown> = { dwk: input.dwk ?? DEFAULT_DWK[kind] };
  for (const [name, value] of Object.entries(input)) {
    if (name !== 'dwk' && value !== undefined) payload[name] = value;
  }
  payload.exp = iat + lifetime;
  payload.iat = iat;
  payload.jti = options.jti ?? randomJti();
  checkPayload(kind, payload, options);
  const header = { alg: options.signer.alg, kid: options.kid, typ: TYP_BY_KIND[kind] };
  return encodeCompactJws(header, payload, options.signer);
}

export function mintAgentToken(claims: MintClaims<'agent'>, options: MintTokenOptions): Promise<string> {
  return mintToken('agent', claims, options);
}

export function mintPersonToken(claims: MintClaims<'person'>, options: MintTokenOptions): Promise<string> {
  return mintToken('person', claims, options);
}

export function mintResourceToken(
  claims: MintClaims<'resource'>,
  options: MintTokenOptions,
): Promise<string> {
  return mintToken('resource', claims, options);
}

export function mintAuthToken(claims: MintClaims<'auth'>, options: MintTokenOptions): Promise<string> {
  return mintToken('auth', claims, options);
}
