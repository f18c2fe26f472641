/**
 * `AAuth-Access` session tokens at the resource (P11 §1.2 mode 2, #aauth-access). Runs after the request
 * verified (signature, agent token, route), on routes with `session`:
 *  - a presented `Authorization: AAuth <token>` must name a live session issued to the same agent key and
 *    agent id; otherwise 401 `invalid_session` + `AAuth-Requirement: requirement=agent-token`. Core's
 *    signature verification already refused (invalid_input, required_input ("authorization")) a request
 *    whose signature does not cover `authorization`;
 *  - `issue` routes then mint a fresh token (rolling refresh: the presented one is retired) and hand it back
 *    as `AAuth-Access` through `responseHeaders`.
 * Only agent-token requests take part: with a person or auth token the Authorization header is left alone.
 */
import {
  encodeBase64Url,
  HEADER,
  HeaderParseError,
  isAAuthAuthorization,
  parseAAuthAuthorization,
} from '@aauth-kit/core';
import { PROBLEM_CODE, SESSION_DEFAULTS } from './constants.js';
import { InvalidSessionError } from './errors.js';
import { problemResponse, requirementHeader } from './responses.js';
import type { SessionStore } from './session-store.js';
import type { AAuthIdentity, AAuthSession, RouteRequirement, VerifyOutcome } from './types.js';

const ENCODER = new TextEncoder();

export interface SessionGateOptions {
  store: SessionStore;
  lifetimeSeconds: number;
  now: () => number;
}

export interface SessionGate {
  /** Apply the route's session rule to a verification outcome. */
  apply(request: Request, route: RouteRequirement, outcome: VerifyOutcome): Promise<VerifyOutcome>;
}

/** The store key and public id of a session token: base64url SHA-256 of its bytes. */
export async function sessionTokenId(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', ENCODER.encode(token));
  return encodeBase64Url(new Uint8Array(digest));
}

function newSessionToken(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(SESSION_DEFAULTS.tokenBytes)));
}

function sessionFailure(message: string, cause?: unknown): VerifyOutcome {
  const error = new InvalidSessionError(message, cause === undefined ? undefined : { cause });
  const response = problemResponse(401, PROBLEM_CODE.invalidSession, message, {
    [HEADER.aauthRequirement]: requirementHeader('agent-token'),
  });
  return { ok: false, status: 401, response, error };
}

export function createSessionGate(options: SessionGateOptions): SessionGate {
  const { store, lifetimeSeconds, now } = options;

  /** The live session the request presented; a failure outcome; or undefined when none was presented. */
  async function presented(
    request: Request,
    identity: AAuthIdentity & { agentId: string },
  ): Promise<AAuthSession | VerifyOutcome | undefined> {
    const header = request.headers.get(HEADER.authorization);
    if (header === null || !isAAuthAuthorization(header)) return undefined;
    let token: string;
    try {
      token = parseAAuthAuthorization(header);
    } catch (error) {
      if (!(error instanceof HeaderParseError)) throw error;
      return sessionFailure(error.message, error);
    }
    const id = await sessionTokenId(token);
    const record = await store.get(id);
    if (record === undefined || record.expiresAt <= now()) {
      return sessionFailure('the session token is unknown or expired; present the agent token alone');
    }
    // Bound to the key and agent it was issued to: a copied token is useless without the agent's key.
    if (record.agentJkt !== identity.agentJkt || record.agentId !== identity.agentId) {
      return sessionFailure('the session token was issued to another agent key');
    }
    return { id, issuedAt: record.issuedAt, expiresAt: record.expiresAt };
  }

  async function issue(
    identity: AAuthIdentity & { agentId: string },
  ): Promise<{ token: string; session: AAuthSession }> {
    const token = newSessionToken();
    const id = await sessionTokenId(token);
    const issuedAt = Math.floor(now());
    const expiresAt = issuedAt + lifetimeSeconds;
    await store.put(id, { agentJkt: identity.agentJkt, agentId: identity.agentId, issuedAt, expiresAt });
    return { token, session: { id, issuedAt, expiresAt } };
  }

  return {
    async apply(request, route, outcome) {
      if (route.session === undefined || !outcome.ok) return outcome;
      const { identity } = outcome;
      if (identity.kind !== 'agent' || identity.agentId === undefined) return outcome;
      const agent = identity as AAuthIdentity & { agentId: string };
      const current = await presented(request, agent);
      if (current !== undefined && 'ok' in current) return current;
      if (current !== undefined) identity.session = current;
      if (route.session !== 'issue') return outcome;
      const { token, session } = await issue(agent);
      if (current !== undefined) await store.delete(current.id);
      identity.issuedSession = session;
      return { ...outcome, responseHeaders: { ...outcome.responseHeaders, [HEADER.aauthAccess]: token } };
    },
  };
}
