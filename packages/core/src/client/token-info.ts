/**
 * What the agent reads from tokens it holds or receives, without verifying signatures (the agent is
 * not the audience of these tokens; it only checks they are the ones it asked for, P11 §4.4).
 */
import { TOKEN_TYPE } from '../constants.js';
import { jwkThumbprint } from '../keys/index.js';
import { isRecord } from '../keys/jwk.js';
import { decodeCompactJws } from '../tokens/index.js';
import { ProtocolError } from './errors.js';

export interface TokenInfo {
  raw: string;
  typ: string | undefined;
  claims: Record<string, unknown>;
  iss: string | undefined;
  sub: string | undefined;
  jti: string | undefined;
  /** Epoch seconds; undefined when absent or not a number. */
  exp: number | undefined;
  iat: number | undefined;
  /** RFC 7638 thumbprint of `cnf.jwk`, when present and well formed. */
  cnfThumbprint: string | undefined;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function numericClaim(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function cnfThumbprintOf(claims: Record<string, unknown>): string | undefined {
  const cnf = claims.cnf;
  if (!isRecord(cnf) || !isRecord(cnf.jwk)) return undefined;
  try {
    return jwkThumbprint(cnf.jwk);
  } catch {
    return undefined;
  }
}

/** Decodes a token; a malformed one is a ProtocolError naming `what` (e.g. "person token from the PS"). */
export function readToken(raw: unknown, what: string, url?: string): TokenInfo {
  let decoded: ReturnType<typeof decodeCompactJws>;
  try {
    decoded = decodeCompactJws(raw);
  } catch (cause) {
    throw new ProtocolError(`${what} is not a JWT`, url === undefined ? {} : { url }, { cause });
  }
  const claims = decoded.payload;
  const typ = decoded.header.typ;
  return {
    raw: decoded.raw,
    typ: typeof typ === 'string' ? typ : undefined,
    claims,
    iss: stringClaim(claims, 'iss'),
    sub: stringClaim(claims, 'sub'),
    jti: stringClaim(claims, 'jti'),
    exp: numericClaim(claims, 'exp'),
    iat: numericClaim(claims, 'iat'),
    cnfThumbprint: cnfThumbprintOf(claims),
  };
}

/** Whether `aud` (string or array) names `audience`. */
export function audienceHas(aud: unknown, audience: string): boolean {
  if (typeof aud === 'string') return aud === audience;
  return Array.isArray(aud) && aud.includes(audience);
}

/** A space-separated `scope` claim as a list (empty when absent). */
export function scopeList(scope: unknown): string[] {
  if (typeof scope !== 'string') return [];
  return scope.split(' ').filter((s) => s.length > 0);
}

export interface IssuedTokenExpectations {
  kind: 'person' | 'auth';
  resource: string;
  thumbprint: string;
  /** `sub` of the token presented to the resource (auth tokens: must match, P11 §4.4). */
  sub?: string;
  /** `aud` of the resource token an auth token was requested with: the token's `iss` must be in it. */
  resourceTokenAud?: unknown;
  nowSeconds: number;
  url: string;
}

const EXPECTED_TYP = { person: TOKEN_TYPE.person, auth: TOKEN_TYPE.auth } as const;

/**
 * Checks a person or auth token the PS returned (P11 #auth-token-response-verification): right `typ`,
 * `aud` = the resource, `cnf.jwk` = our key, `sub` = the presented token's, `iss` = the resource token's
 * `aud` (when known), `exp` in the future.
 */
export function checkIssuedToken(raw: unknown, expect: IssuedTokenExpectations): TokenInfo {
  const what = `${expect.kind} token from the person server`;
  const info = readToken(raw, what, expect.url);
  const fail = (reason: string): ProtocolError => new ProtocolError(`${what} ${reason}`, { url: expect.url });
  if (info.typ !== EXPECTED_TYP[expect.kind]) throw fail(`has typ ${String(info.typ)}`);
  if (!audienceHas(info.claims.aud, expect.resource)) throw fail(`is not for ${expect.resource}`);
  if (info.cnfThumbprint !== expect.thumbprint) throw fail('is not bound to this agent key');
  if (expect.sub !== undefined && info.sub !== undefined && info.sub !== expect.sub) {
    throw fail('names another person than the presented token');
  }
  if (
    expect.resourceTokenAud !== undefined &&
    (info.iss === undefined || !audienceHas(expect.resourceTokenAud, info.iss))
  ) {
    throw fail(`has iss ${String(info.iss)}, not the resource token's aud`);
  }
  if (info.exp === undefined || info.exp <= expect.nowSeconds) throw fail('is already expired');
  return info;
}
