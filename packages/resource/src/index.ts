/**
 * @aauth-kit/resource: verify AAuth-signed requests at a resource, answer challenges with resource tokens,
 * publish the resource's metadata and JWKS. Framework glue: `withAAuth` (fetch handlers) here,
 * `@aauth-kit/resource/express`, `/hono` and `/node` for the others.
 */

export type { AuthorizationRequestBody } from './authorization-endpoint.js';
export { AUTHORIZATION_ROUTE, parseAuthorizationRequest } from './authorization-endpoint.js';
export { readRequestBody } from './body.js';
export {
  ACCEPTABLE_KINDS,
  ACCEPTED_SIGNATURE_SCHEMES,
  DEFAULTS,
  MAX_RESOURCE_TOKEN_LIFETIME_SECONDS,
  MEDIA_TYPE,
  PROBLEM_CODE,
  type ProblemCode,
  SESSION_DEFAULTS,
  WELL_KNOWN_PATH,
} from './constants.js';
export {
  AuthorizationRequestError,
  AuthorizationRequiredError,
  type ChallengeRequirement,
  InvalidSessionError,
  PayloadTooLargeError,
  UntrustedPersonServerError,
} from './errors.js';
export { type AAuthFetchHandler, withAAuth } from './middleware/fetch.js';
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './replay-store.js';
export { createResource } from './resource.js';
export { resourceTokenClaims } from './resource-token.js';
export { decide, type NormalizedRoute, normalizeRoute, type RouteDecision } from './route.js';
export {
  createMemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionRecord,
  type SessionStore,
} from './session-store.js';
export { sessionTokenId } from './sessions.js';
export type { IssuerPolicy } from './trust.js';
export type {
  AAuthIdentity,
  AAuthSession,
  AcceptableTokenKind,
  IssueResourceTokenInput,
  Jwks,
  Resource,
  ResourceMetadata,
  ResourceMetadataInput,
  ResourceOptions,
  RouteRequirement,
  SessionOptions,
  VerifyOptions,
  VerifyOutcome,
} from './types.js';
