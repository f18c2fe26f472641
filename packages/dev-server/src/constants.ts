/**
 * Every constant of @aauth-kit/dev-server lives here. Wire constants shared with the other roles (header
 * names, `typ`, `dwk`, requirement values) come from @aauth-kit/core; this module holds the dev-server ones.
 */

/** Paths served by the Agent Provider. */
export const AP_PATH = {
  metadata: '/.well-known/aauth-agent.json',
  jwks: '/.well-known/jwks.json',
  /** Dev-only: registers an agent public key (no authentication, see README). */
  register: '/register',
  /** Issues a fresh agent token to a registered key. */
  agentToken: '/agent-token',
} as const;

/** Paths served by the Person Server. */
export const PS_PATH = {
  metadata: '/.well-known/aauth-person.json',
  jwks: '/.well-known/jwks.json',
  personToken: '/person-token',
  authToken: '/token',
  /** Pending URLs are `/pending/<unguessable id>`. */
  pendingPrefix: '/pending/',
  /** The interaction URL (`url` of `requirement=interaction`) and the consent page. */
  consent: '/consent',
} as const;

/** Media types of the responses this package writes. */
export const MEDIA_TYPE = {
  json: 'application/json',
  problemJson: 'application/problem+json',
  jwkSet: 'application/jwk-set+json',
  html: 'text/html; charset=utf-8',
  form: 'application/x-www-form-urlencoded',
} as const;

/** Defaults applied by `startDevServer`. */
export const DEFAULTS = {
  host: '127.0.0.1',
  /** Largest request body read by any endpoint; larger bodies are answered 413. */
  maxBodyBytes: 64 * 1024,
  /** Agent token lifetime (seconds). P11 says SHOULD be at most 24 h; BOOT suggests 1 h. */
  agentTokenLifetimeSeconds: 3600,
  /** Person and auth token lifetime (seconds); P11 caps both at 1 h. */
  personTokenLifetimeSeconds: 3600,
  authTokenLifetimeSeconds: 3600,
  /** How long a deferred request waits for a decision before polling answers 408 `expired`. */
  pendingTtlSeconds: 600,
  /** `Retry-After` on 202 responses (seconds). 0 disables `slow_down`. */
  pollIntervalSeconds: 1,
  /** Upper bound on `Prefer: wait=N` (seconds). */
  maxPreferWaitSeconds: 30,
  /** Unknown interaction codes entered in the person's session before their waiting requests fail. */
  maxCodeMisses: 3,
  /** Unknown interaction codes tolerated per client IP within `codeMissWindowSeconds`, then 429. */
  maxCodeMissesPerIp: 10,
  codeMissWindowSeconds: 600,
  /** Longest accepted `justification` / clarification answer (characters). */
  maxAgentTextLength: 4000,
  /** Clarification timeout advertised to the agent (seconds). */
  clarificationTimeoutSeconds: 120,
  person: { id: 'dev-person', name: 'Dev Person' },
} as const;

/** Hard ceilings the options are clamped to (P11 #aauth-tokens). */
export const LIMITS = {
  agentTokenLifetimeSeconds: 24 * 3600,
  personTokenLifetimeSeconds: 3600,
  authTokenLifetimeSeconds: 3600,
} as const;

/** Cookie carrying the dev person's (automatic) sign-in session on the Person Server origin. */
export const SESSION_COOKIE = 'aauth_dev_session';

/**
 * Problem-details `error` codes this package answers with besides the Signature-Error codes (those ride
 * on 401 with a `Signature-Error` header). P11 codes first, then this package's own (documented in the
 * README).
 */
export const PROBLEM_CODE = {
  invalidRequest: 'invalid_request',
  invalidResourceToken: 'invalid_resource_token',
  expiredResourceToken: 'expired_resource_token',
  invalidPresentedToken: 'invalid_presented_token',
  expiredPresentedToken: 'expired_presented_token',
  denied: 'denied',
  expired: 'expired',
  invalidCode: 'invalid_code',
  slowDown: 'slow_down',
  serverError: 'server_error',
  // This package's own codes.
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  /** 410: a pending URL whose terminal answer was delivered, or that the agent cancelled. */
  gone: 'gone',
  /** 409: the agent's `local` name is taken by another key. */
  agentExists: 'agent_exists',
  /** 403: the agent token's `ps` does not name this Person Server. */
  foreignAgent: 'foreign_agent',
  /** 403: the consent form's CSRF token is missing or wrong. */
  invalidCsrfToken: 'invalid_csrf_token',
  /** 429: too many unknown interaction codes from one client. */
  rateLimited: 'rate_limited',
} as const;
export type ProblemCode = (typeof PROBLEM_CODE)[keyof typeof PROBLEM_CODE];
