/** Public types of the agent client. */
import type { Discovery } from '../discovery/index.js';
import type { Signer } from '../keys/types.js';

/** A problem-details body (RFC 9457) or Signature-Error, reduced to what a caller acts on. */
export interface ProblemInfo {
  /** Problem `error` member (P11 error code). */
  error?: string;
  /** `detail`, or a pre-09 server's `error_description`. */
  detail?: string;
  type?: string;
  /** `Signature-Error` `error` when the answer was a 401 signature failure. */
  signatureError?: string;
}

/** Who is holding the deferred request a person must act on. */
export type ConsentServer = 'person-server' | 'resource';

/**
 * What a person must do for a call to go on. `interactionUrl` (`{url}?code={code}`) is the link to show;
 * `url` + `code` are the raw `AAuth-Requirement` parameters (for "visit url and enter code" UIs). An
 * `approval` (no URL to visit; someone approves out of band) has neither.
 */
export interface Interaction {
  kind: 'interaction' | 'approval';
  interactionUrl?: string;
  url?: string;
  code?: string;
  /** Resource server identifier (origin) the consent is for. */
  resource: string;
  /** Scope being requested (empty for person-token consents). */
  scope: string[];
  /** Epoch ms after which the client stops waiting (its own bound: `consentTimeoutMs`). */
  expiresAt: number;
  server: ConsentServer;
  /** Id of the `PendingConsent` this interaction belongs to. */
  pendingId: string;
}

/**
 * A deferred request the client is waiting on, serializable (JSON) so an app may persist it and hand
 * it to `waitForConsent` / `pollConsentOnce` of a client with the same key later.
 */
export interface PendingConsent {
  readonly id: string;
  /** What the consent produces: a person token, an auth token, or the held resource call itself. */
  readonly kind: 'person-token' | 'auth-token' | 'resource';
  readonly resource: string;
  readonly scope: readonly string[];
  /** Absolute pending URL (`Location`) polled with signed GETs. */
  pollUrl: string;
  interaction: Interaction | undefined;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms: the client's bound for waiting (`consentTimeoutMs` after creation). */
  readonly expiresAt: number;
  /** `mission_s256` the consent was requested under. */
  readonly mission?: string;
  /** Mutable status as last seen by the client. */
  status: 'pending' | 'interacting';
}

/** One token the client caches (person or auth token). */
export interface StoredToken {
  token: string;
  kind: 'person' | 'auth';
  resource: string;
  scope: string[];
  jti: string | undefined;
  sub: string | undefined;
  /** JWT `exp` (epoch seconds). */
  exp: number;
  /** Epoch ms after which the client no longer presents it (`exp` minus the refresh margin). */
  refreshAt: number;
}

/**
 * Where person and auth tokens are cached. Keys are opaque strings built by the client; values are
 * JSON-serializable. Methods may be synchronous (the in-memory default) or async (Redis, files).
 */
export interface TokenStore {
  get(key: string): StoredToken | undefined | Promise<StoredToken | undefined>;
  set(key: string, value: StoredToken): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** The protocol step a network exchange belongs to. */
export type AAuthStep =
  | 'resource'
  | 'agent-token'
  | 'discovery'
  | 'person-token'
  | 'auth-token'
  | 'poll'
  | 'clarification'
  | 'cancel';

/** Emitted at the transport boundary: one `request` and one `response` (or `error`) per exchange. */
export interface AAuthEvent {
  step: AAuthStep;
  phase: 'request' | 'response' | 'error';
  method: string;
  url: string;
  /** Which token rode in `Signature-Key` (absent for unsigned discovery fetches). */
  token?: 'agent' | 'person' | 'auth';
  status?: number;
  durationMs?: number;
  /** `AAuth-Requirement` value of the response, if any, with tokens cut to a prefix (never a full resource token). */
  requirement?: string;
  /** Error code (`ERR_TIMEOUT`, `ERR_NETWORK`, `ERR_ABORTED`) for `phase: 'error'`. */
  error?: string;
}

export interface ClarificationRequest {
  /** Markdown question from the server (sanitize before rendering). */
  question: string;
  options?: string[];
  resource: string;
  /** Seconds the server waits for an answer, if it said. */
  timeoutSeconds?: number;
}

export interface AgentProviderOptions {
  /** Agent Provider server identifier (`iss` of minted agent tokens). */
  issuer: string;
  /** The AP's signing key (published in its JWKS under `kid`). */
  signer: Signer;
  kid: string;
  /** `aauth:local@domain`. */
  agentId: string;
  /** `ps` claim of minted tokens. */
  personServer?: string;
  /** Default 3600 (P11: SHOULD be at most 24 h). */
  lifetimeSeconds?: number;
}

export type AgentTokenSource = string | (() => Promise<string> | string);

export interface AAuthClientOptions {
  /** The agent's key: every request is signed with it. */
  signer: Signer;
  /** A static agent token, or a provider called again when the token is within the refresh margin. */
  agentToken?: AgentTokenSource;
  /** Self-hosted Agent Provider: the client mints its own agent tokens. */
  agentProvider?: AgentProviderOptions;
  /** Person Server identifier; default: the agent token's `ps` claim. */
  personServer?: string;
  /** `mission_s256` to request person tokens under (part of every cache key). */
  mission?: string;
  /** `'wait'` (default) polls until consent; `'throw'` raises ConsentRequiredError and remembers it. */
  consent?: 'wait' | 'throw';
  /** Bound on waiting for one consent (default 15 minutes). */
  consentTimeoutMs?: number;
  /** Called once per distinct (url, code), and once per approval-only consent. */
  onInteraction?: (interaction: Interaction) => void | Promise<void>;
  /** Answers a clarification question; `null` cancels the request (DELETE). */
  onClarification?: (request: ClarificationRequest) => Promise<string | null> | string | null;
  /** `justification` sent with auth token requests (Markdown, shown to the person as agent-asserted). */
  justification?: string | ((ctx: { resource: string; scope: string[] }) => string | undefined);
  /** `AAuth-Capabilities`; default `['interaction']`, plus `clarification` when `onClarification` is set. */
  capabilities?: readonly string[];
  /** Transport (tests route identifiers to loopback here). Default: global fetch. */
  fetch?: typeof fetch;
  /** Discovery instance (metadata + JWKS cache). Default: one created over `fetch`. */
  discovery?: Discovery;
  /** Allow `http://` resources and Person Servers (localhost development). */
  development?: boolean;
  /** Person/auth token cache (default in-memory). */
  tokenStore?: TokenStore;
  onEvent?: (event: AAuthEvent) => void;
  /** `true` logs to stderr; a function receives each line. Tokens and keys are never printed in full. */
  debug?: boolean | ((line: string) => void);
  /** Clock in Unix seconds (default `Date.now() / 1000`), as everywhere in the library. */
  now?: () => number;
  /** Upper bound on one poll interval (default 60 s). */
  maxPollIntervalMs?: number;
  /** Lower bound between two polls of the same pending URL (default 1 s). */
  minPollIntervalMs?: number;
  /** Time allowed for one exchange beyond any `Prefer: wait` the server was given (default 30 s). */
  requestTimeoutMs?: number;
  /** `Prefer: wait=N` sent to the Person Server and on polls (default 45; 0 disables). */
  preferWaitSeconds?: number;
  /** Largest request body buffered for signing and re-sending (default 10 MiB). */
  maxBodyBytes?: number;
}

export interface SignedRequestOptions {
  /** JSON body (serialized, `content-type: application/json`). */
  json?: unknown;
  body?: BodyInit;
  headers?: HeadersInit;
  signal?: AbortSignal;
}

export interface RequestAuthorizationOptions {
  resourceToken: string;
  /** The token the resource saw (`presented_jti`); default: the cached person/auth token with that jti. */
  presentedToken?: string;
  justification?: string;
  signal?: AbortSignal;
}

export type RequestAuthorizationResult =
  | { authToken: string; expiresIn: number }
  | {
      authorizationRequired: true;
      /** `{url}?code={code}`; absent for an approval-only consent. */
      interactionUrl?: string;
      code?: string;
      interaction: Interaction;
      pending: PendingConsent;
    };

export interface WaitOptions {
  signal?: AbortSignal;
  /** Overrides the remaining `consentTimeoutMs` of the pending consent. */
  timeoutMs?: number;
}

export type PollResult = { status: 'pending' | 'interacting' } | { status: 'approved'; authToken: string };

export interface AAuthClient {
  /** How this client handles a consent: block and poll (`'wait'`) or raise ConsentRequiredError (`'throw'`). */
  readonly consentMode: 'wait' | 'throw';
  /**
   * The same client (key, caches, remembered consents, single-flight) with another consent mode: how a
   * framework adapter gets `'throw'` behaviour whatever mode the application created the client with.
   */
  withConsent(mode: 'wait' | 'throw'): AAuthClient;
  /** Drop-in fetch: signs, answers AAuth challenges, returns the resource's final response. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  signedRequest(method: string, url: string | URL, options?: SignedRequestOptions): Promise<Response>;
  requestAuthorization(options: RequestAuthorizationOptions): Promise<RequestAuthorizationResult>;
  /** Polls until the consent completes; resolves with the token it produced ('' for a resource-held call). */
  waitForConsent(pending: PendingConsent, options?: WaitOptions): Promise<string>;
  /** One poll (no sleep); `approved` carries the token ('' for a resource-held call). */
  pollConsentOnce(pending: PendingConsent, options?: { signal?: AbortSignal }): Promise<PollResult>;
  /** The newest remembered pending consent (for `resource` — an origin or any URL on it — when given). */
  pendingConsent(resource?: string | URL): PendingConsent | undefined;
  /** Forgets cached tokens, session tokens, pending consents and Person Server metadata. */
  clearCache(): void;
}
