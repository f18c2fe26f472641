/**
 * Every constant of @aauth-kit/resource lives here. Wire constants shared with other roles (header names,
 * `typ`, `dwk`, error codes) come from @aauth-kit/core; this module holds the resource-side ones.
 */

/** Well-known paths this resource serves (P11 #resource-metadata, #jwks-discovery). */
export const WELL_KNOWN_PATH = {
  metadata: '/.well-known/aauth-resource.json',
  jwks: '/.well-known/jwks.json',
} as const;

/** Media types of the responses this package writes. */
export const MEDIA_TYPE = {
  json: 'application/json',
  problemJson: 'application/problem+json',
  jwkSet: 'application/jwk-set+json',
} as const;

/** The token kinds a route can accept, in escalation order (P11 #resource-tokens). */
export const ACCEPTABLE_KINDS = ['agent', 'person', 'auth'] as const;

/** Defaults applied by `createResource` and the middleware. */
export const DEFAULTS = {
  /** Entries kept by the in-memory replay store. */
  replayMaxEntries: 10_000,
  /** Resource token lifetime, seconds; P11 says SHOULD be at most 5 minutes. */
  resourceTokenLifetimeSeconds: 300,
  /** Largest body read for verification (1 MiB); larger bodies are answered 413. */
  maxBodyBytes: 1024 * 1024,
  /** Person Servers remembered as addressees of our resource tokens (default auth-token trust). */
  issuedPersonServersMaxEntries: 1_000,
  /**
   * How long a Person Server stays trusted after we last issued it a resource token, in seconds. It must
   * outlive the auth token the PS mints from that resource token (at most 1 h, P11 #auth-tokens) plus a
   * consent wait, so a day is a generous bound.
   */
  issuedPersonServerTtlSeconds: 24 * 3600,
  /**
   * Components required beyond AAuth's four unless the metadata says otherwise (P11 §11 Q9, Q10): the
   * query and the body are protected by default. `@query` is required only when the URL has a query
   * and `content-type` + `content-digest` only when there is a body.
   */
  additionalSignatureComponents: ['@query', 'content-type', 'content-digest'] as readonly string[],
} as const;

/** Components whose requirement depends on the request (present query / present body). */
export const CONDITIONAL_COMPONENTS: ReadonlySet<string> = new Set([
  '@query',
  'content-type',
  'content-digest',
]);

/** Upper bound on the resource token lifetime (P11 #resource-token: SHOULD be at most 5 minutes). */
export const MAX_RESOURCE_TOKEN_LIFETIME_SECONDS = 300;

/** Schemes a resource accepts in Signature-Key: agents may only use `jwt` (P11 #keying-material). */
export const ACCEPTED_SIGNATURE_SCHEMES = ['jwt'] as const;

/**
 * Problem-details `error` codes this package answers with besides the Signature-Error codes. The
 * authorization-endpoint ones are P11's (#authorization-endpoint-request); the rest are this package's and
 * documented in its README.
 */
export const PROBLEM_CODE = {
  invalidRequest: 'invalid_request',
  invalidScope: 'invalid_scope',
  serverError: 'server_error',
  /** 401 + AAuth-Requirement: the request must be retried with a stronger token. */
  authorizationRequired: 'authorization_required',
  /** 403: a valid person token from a Person Server outside `trustedPersonServers`. */
  untrustedPersonServer: 'untrusted_person_server',
  /** 413: the body is larger than `maxBodyBytes`. */
  payloadTooLarge: 'payload_too_large',
  /** 405 at the authorization endpoint. */
  methodNotAllowed: 'method_not_allowed',
  /** 401 + AAuth-Requirement: agent-token: the AAuth-Access session token is not usable (see README). */
  invalidSession: 'invalid_session',
} as const;
export type ProblemCode = (typeof PROBLEM_CODE)[keyof typeof PROBLEM_CODE];

/** RFC 6749 §3.3 scope-token characters: %x21 / %x23-5B / %x5D-7E. */
export const SCOPE_TOKEN_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** `AAuth-Access` session tokens (P11 #aauth-access). */
export const SESSION_DEFAULTS = {
  /** Lifetime of a session token, seconds. */
  lifetimeSeconds: 3600,
  /** Longest lifetime `sessions.lifetimeSeconds` accepts (30 days). */
  maxLifetimeSeconds: 30 * 24 * 3600,
  /** Entries kept by the in-memory session store. */
  maxEntries: 10_000,
  /** Random bytes per token: 256 bits, base64url-encoded (a token68). */
  tokenBytes: 32,
} as const;
