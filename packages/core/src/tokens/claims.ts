/**
 * Claims of the four AAuth tokens (P11 §4.3 matrix). Unknown claims are allowed (and kept) on every
 * token: claims a verifier does not understand are ignored, never a reason to reject.
 */
import { DWK, type Dwk, TOKEN_TYPE, type TokenKind, type TokenType } from '../constants.js';
import type { PublicJwk } from '../keys/types.js';

/** RFC 7800 confirmation: the agent's public key, with `alg`. */
export interface ConfirmationClaim {
  jwk: PublicJwk;
  [member: string]: unknown;
}

/** Claims every AAuth token carries (P11 #common-claims). */
export interface CommonTokenClaims {
  /** Server identifier of the issuer. */
  iss: string;
  dwk: Dwk;
  jti: string;
  /** NumericDate (seconds). */
  iat: number;
  /** NumericDate (seconds). */
  exp: number;
  [claim: string]: unknown;
}

/** `aa-agent+jwt`, issued by an Agent Provider. */
export interface AgentTokenClaims extends CommonTokenClaims {
  dwk: typeof DWK.agent;
  /** The agent identifier `aauth:local@domain`. */
  sub: string;
  cnf: ConfirmationClaim;
  /** The agent's Person Server (MUST when it has one). */
  ps?: string;
  /** Sub-agent marker: the parent agent's identifier. */
  parent_agent?: string;
}

/** `aa-person+jwt`, issued by a Person Server for one resource. MUST NOT carry `scope` or `account`. */
export interface PersonTokenClaims extends CommonTokenClaims {
  dwk: typeof DWK.person;
  /** The resource. Final -11 uses a string; an array holding it is accepted on input (aauth-go). */
  aud: string | string[];
  /** Directed person identifier. */
  sub: string;
  cnf: ConfirmationClaim;
  mission_s256?: string;
  tenant?: string;
}

/** The optional resource-initiated interaction (P11 #resource-initiated-interaction). */
export interface InteractionClaim {
  url: string;
  code: string;
  [member: string]: unknown;
}

/** `aa-resource+jwt`, issued by a resource to the PS or AS in its `aud`. */
export interface ResourceTokenClaims extends CommonTokenClaims {
  dwk: typeof DWK.resource;
  /** The PS (3-party) or AS (4-party). */
  aud: string | string[];
  /** `iss` of the person token, or `ps` of the auth token, the request carried. */
  ps: string;
  sub: string;
  /** RFC 7638 thumbprint of the agent's signing key. */
  agent_jkt: string;
  /** `jti` of the token the request carried. */
  presented_jti: string;
  scope?: string;
  account?: string;
  login_hint?: string;
  mission_s256?: string;
  tenant?: string;
  interaction?: InteractionClaim;
}

/** `aa-auth+jwt`, issued by a PS (`aauth-person.json`) or an AS (`aauth-access.json`). */
export interface AuthTokenClaims extends CommonTokenClaims {
  dwk: typeof DWK.person | typeof DWK.access;
  /** The resource. */
  aud: string | string[];
  sub: string;
  /** The person's PS (= `iss` when PS-issued). */
  ps: string;
  cnf: ConfirmationClaim;
  scope?: string;
  account?: string;
  mission_s256?: string;
  tenant?: string;
}

export interface TokenClaimsByKind {
  agent: AgentTokenClaims;
  person: PersonTokenClaims;
  resource: ResourceTokenClaims;
  auth: AuthTokenClaims;
}
export type TokenClaims = TokenClaimsByKind[TokenKind];

/** `typ` → kind. Exact, case-sensitive strings (P11 #common-verification step 1). */
export const TOKEN_KIND_BY_TYP: Readonly<Record<string, TokenKind>> = Object.freeze({
  [TOKEN_TYPE.agent]: 'agent',
  [TOKEN_TYPE.person]: 'person',
  [TOKEN_TYPE.resource]: 'resource',
  [TOKEN_TYPE.auth]: 'auth',
});

/** kind → `typ`. */
export const TYP_BY_KIND: Readonly<Record<TokenKind, TokenType>> = Object.freeze({
  agent: TOKEN_TYPE.agent,
  person: TOKEN_TYPE.person,
  resource: TOKEN_TYPE.resource,
  auth: TOKEN_TYPE.auth,
});

/** The `dwk` values each kind may carry (P11 #metadata-documents). */
export const DWKS_BY_KIND: Readonly<Record<TokenKind, readonly Dwk[]>> = Object.freeze({
  agent: [DWK.agent],
  person: [DWK.person],
  resource: [DWK.resource],
  auth: [DWK.person, DWK.access],
});

/** Lifetime ceilings in seconds: MUST for person/auth, the recommended bound for agent/resource. */
export const MAX_LIFETIME_SECONDS: Readonly<Record<TokenKind, number>> = Object.freeze({
  agent: 24 * 3600,
  person: 3600,
  resource: 5 * 60,
  auth: 3600,
});

/** The kind for a `typ`, or undefined for anything that is not exactly an AAuth token type. */
export function tokenKindForTyp(typ: unknown): TokenKind | undefined {
  if (typeof typ !== 'string' || !Object.hasOwn(TOKEN_KIND_BY_TYP, typ)) return undefined;
  return TOKEN_KIND_BY_TYP[typ];
}

/** Whether `aud` names `audience`: equal string, or an array containing it. */
export function audienceIncludes(aud: unknown, audience: string): boolean {
  if (typeof aud === 'string') return aud === audience;
  return Array.isArray(aud) && aud.includes(audience);
}
