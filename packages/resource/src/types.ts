/** The public types of @aauth-kit/resource. */
import type {
  AAuthError,
  Discovery,
  Jwks,
  ResourceMetadata,
  Signer,
  VerifiedSignature,
  VerifiedToken,
} from '@aauth-kit/core';
import type { ReplayStore } from './replay-store.js';
import type { SessionStore } from './session-store.js';
import type { IssuerPolicy } from './trust.js';

/** Token kinds a route can accept (resource tokens are never presented to their own issuer). */
export type AcceptableTokenKind = 'agent' | 'person' | 'auth';

/** What a route demands. Nothing is implied: `accept` lists every token kind that satisfies it. */
export interface RouteRequirement {
  /** Token kinds that satisfy the route (an allow-list by `typ`; a person token never passes for auth). */
  accept: readonly AcceptableTokenKind[];
  /**
   * Scopes the auth token must grant (space-delimited string or array). Only auth tokens carry scope,
   * so a route with scopes must accept `auth`.
   */
  scope?: string | readonly string[];
  /**
   * `AAuth-Access` session tokens (P11 #aauth-access, mode 2) on agent-token requests. `accept`: a presented
   * `Authorization: AAuth <token>` is checked and exposed as `identity.session`. `issue`: the same, and a
   * fresh token is issued (replacing the presented one) and sent back as `AAuth-Access`. Requires `agent`
   * in `accept`.
   */
  session?: 'issue' | 'accept';
}

/** A session token as the handler sees it: never the token itself. */
export interface AAuthSession {
  /** base64url SHA-256 of the token: the store key, safe to log. */
  id: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds. */
  expiresAt: number;
}

export interface SessionOptions {
  /** Default: `createMemorySessionStore({ maxEntries: 10_000 })`. */
  store?: SessionStore;
  /** Session token lifetime in seconds, 1..2592000 (30 days; default 3600). */
  lifetimeSeconds?: number;
}

/** Who made a verified request, as the handler sees it. */
export interface AAuthIdentity {
  kind: AcceptableTokenKind;
  /** RFC 7638 SHA-256 thumbprint of the key that signed the request (= the token's `cnf.jwk`). */
  agentJkt: string;
  /** The agent identifier (`sub` of an agent token). Only agent tokens name the agent (P11 §1.2). */
  agentId?: string;
  /** The person: (`iss`, `sub`) of a person token, (`ps`, `sub`) of an auth token. */
  person?: { iss: string; sub: string };
  /** Scopes granted by an auth token; empty for agent and person tokens. */
  scope: string[];
  missionS256?: string;
  tenant?: string;
  /** The verified token, every claim included. */
  token: VerifiedToken;
  /** The verified HTTP message signature. */
  signature: VerifiedSignature;
  /** The session token the request presented, verified (routes with `session`). */
  session?: AAuthSession;
  /** The session token issued with this response (routes with `session: 'issue'`). */
  issuedSession?: AAuthSession;
}

export type VerifyOutcome =
  | {
      ok: true;
      identity: AAuthIdentity;
      /**
       * Headers the handler's response must carry (`AAuth-Access` on a session-issuing route). The
       * middleware adds them; callers of `resource.verify` add them themselves.
       */
      responseHeaders?: Record<string, string>;
    }
  | {
      ok: false;
      /** 401 (signature failure or challenge), 403 (refused, never with Signature-Error), 413 (body too large). */
      status: 401 | 403 | 413;
      /** The response to send as is. */
      response: Response;
      error: AAuthError;
    };

export interface VerifyOptions {
  signal?: AbortSignal;
}

/** Metadata members the application supplies; `issuer`, `jwks_uri` and `signature_window` are derived. */
export interface ResourceMetadataInput {
  name?: string;
  /** Markdown. */
  description?: string;
  access_mode?: string;
  authorization_endpoint?: string;
  /** scope → Markdown description. With it, the authorization endpoint refuses unlisted scopes. */
  scope_descriptions?: Record<string, string>;
  /** Components every signature must cover besides the AAuth four (e.g. `@query`, `content-digest`). */
  additional_signature_components?: string[];
  revocation_endpoint?: string;
  logo_uri?: string;
  logo_dark_uri?: string;
  documentation_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  /** Extension members, published as given. */
  [member: string]: unknown;
}

export interface ResourceOptions {
  /** This resource's server identifier (`https://host`; `http://localhost:<port>` with `development`). */
  issuer: string;
  /** Signs resource tokens; its public key is published in the JWKS. */
  signer: Signer;
  /** `kid` of the signer's key (default: the signer's `publicJwk.kid`, else its RFC 7638 thumbprint). */
  kid?: string;
  /** Development profile: localhost identifiers and discovery over http to loopback. Never in production. */
  development?: boolean;
  /** Discovery used to resolve token issuers' keys (default: one built with `fetch` and the egress profile). */
  discovery?: Discovery;
  /** fetch used by the default discovery (ignored when `discovery` is given). */
  fetch?: typeof fetch;
  /** Default: `createMemoryReplayStore({ maxEntries: 10_000 })`. */
  replayStore?: ReplayStore;
  /**
   * Person Servers whose person and PS-issued auth tokens are accepted. Default: person tokens from any PS,
   * auth tokens only from PSes this process issued a resource token to (see README, "Trust").
   */
  trustedPersonServers?: IssuerPolicy;
  /**
   * Four-party: the Access Server resource tokens are addressed to. Auth tokens it issues
   * (`dwk` aauth-access.json) are accepted; no other AS is.
   */
  accessServer?: string;
  metadata?: ResourceMetadataInput;
  /** Signature window in seconds (default 60), enforced and published as `signature_window`. */
  signatureWindow?: number;
  /** Canonical `host[:port]` for `@authority` (default: the issuer's host). Never taken from the request. */
  authority?: string;
  /** Resource token lifetime in seconds, 1..300 (default 300). */
  resourceTokenLifetime?: number;
  /** Largest request body read for verification, bytes (default 1 MiB); larger → 413. */
  maxBodyBytes?: number;
  /** Clock in Unix seconds (default `Date.now() / 1000`), as everywhere in aauth-kit. */
  now?: () => number;
  /** Settings for `AAuth-Access` session tokens, used by routes with `session` (see README, "Sessions"). */
  sessions?: SessionOptions;
}

export interface IssueResourceTokenInput {
  /** The verified person token (first challenge) or auth token (step-up) the request carried. */
  presented: VerifiedToken;
  /** Thumbprint of the agent's signing key. */
  agentJkt: string;
  /** Scopes requested (space-joined into the `scope` claim; omitted when empty). */
  scope: readonly string[];
  /** Account echoed from an authorization request (P11 #account-binding). */
  account?: string;
}

export interface Resource {
  readonly issuer: string;
  /** The body limit the middleware applies. */
  readonly maxBodyBytes: number;
  /** Verify a request against a route: an identity, or the response to send. */
  verify(request: Request, route: RouteRequirement, options?: VerifyOptions): Promise<VerifyOutcome>;
  /** The `/.well-known/aauth-resource.json` document. */
  metadata(): ResourceMetadata;
  /** The JWKS published at `/.well-known/jwks.json`. */
  jwks(): Jwks;
  /** Serves both well-known documents; undefined for any other path. */
  handleWellKnown(request: Request): Response | undefined;
  /** Mint a resource token for the token a request presented. */
  issueResourceToken(input: IssueResourceTokenInput): Promise<string>;
  /** The optional authorization endpoint: person-token signed `POST {scope}` → `200 {resource_token}`. */
  handleAuthorizationRequest(request: Request, options?: VerifyOptions): Promise<Response>;
}

export type { Jwks, ResourceMetadata };
