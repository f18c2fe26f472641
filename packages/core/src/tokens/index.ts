/** AAuth tokens: typed claims, minting through a Signer, verification with a typ allow-list. */
export type {
  AgentTokenClaims,
  AuthTokenClaims,
  CommonTokenClaims,
  ConfirmationClaim,
  InteractionClaim,
  PersonTokenClaims,
  ResourceTokenClaims,
  TokenClaims,
  TokenClaimsByKind,
} from './claims.js';
export {
  audienceIncludes,
  DWKS_BY_KIND,
  MAX_LIFETIME_SECONDS,
  TOKEN_KIND_BY_TYP,
  TYP_BY_KIND,
  tokenKindForTyp,
} from './claims.js';
export type { DecodedJws } from './jws.js';
export { decodeCompactJws, encodeCompactJws, MAX_JWT_LENGTH } from './jws.js';
export type { MintClaims, MintTokenOptions } from './mint.js';
export {
  DEFAULT_LIFETIME_SECONDS,
  mintAgentToken,
  mintAuthToken,
  mintPersonToken,
  mintResourceToken,
  mintToken,
  randomJti,
} from './mint.js';
export type {
  IssuerKeyResolver,
  IssuerKeySource,
  JwtHeader,
  VerifiedToken,
  VerifiedTokenOf,
  VerifyTokenOptions,
  VerifyTokenPolicy,
} from './verify.js';
export { clearVerifiedTokenCache, VerifiedTokenCache, verifyToken } from './verify.js';
