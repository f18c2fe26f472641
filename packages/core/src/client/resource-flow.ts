/**
 * The signed-fetch loop (P11 §12 "Agent client" step 3): sign with the best cached token for the
 * resource, send, and answer what comes back — `AAuth-Requirement` challenges (401/402/202),
 * `Signature-Error` recoveries, resource-held deferred calls, `AAuth-Access` session tokens — until the
 * resource gives an answer that is not an AAuth step. That answer is returned unchanged.
 */
import { createHash } from 'node:crypto';
import { HEADER, REQUIREMENT, SIGNATURE_ERROR_CODE } from '../constants.js';
import { InvalidArgumentError } from '../errors.js';
import type { AAuthRequirement, SignatureErrorHeader } from '../headers/index.js';
import { formatAAuthAuthorization, parseAAuthAccess } from '../headers/index.js';
import type { AgentCredentials, AgentTokenState } from './agent-credentials.js';
import { type DeferredAnswer, readDeferred, readRequirement, readSignatureError } from './answers.js';
import { type ConsentRegistry, createRecord, type FinalAnswer, type PendingRecord } from './consent.js';
import type { DebugSink } from './debug.js';
import { absorbDeferred, type DeferredContext } from './deferred.js';
import { PersonServerError, ProtocolError } from './errors.js';
import type { OutgoingRequest } from './outgoing.js';
import type { PollScheduleOptions } from './poll-schedule.js';
import { checkResourceToken } from './resource-token.js';
import type { Credential, RequestSigner } from './signing.js';
import { sleep } from './timers.js';
import { agentCredential, type ConsentMode, storedCredential, type TokenBroker } from './token-broker.js';
import type { CacheKeyParts } from './token-cache.js';
import { discard, MAX_PROTOCOL_BODY_BYTES, readBounded, type Transport } from './transport.js';
import type { StoredToken } from './types.js';

/** Sends per call before the client gives up on a resource that never settles. */
const MAX_SENDS = 8;
const MAX_AUTH_CHALLENGES = 3;
const MAX_ROUTE_HINTS = 1000;
/** Signature-Error codes that a fresh token (agent: refresh; person/auth: drop and re-obtain) fixes. */
const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  SIGNATURE_ERROR_CODE.expiredJwt,
  SIGNATURE_ERROR_CODE.invalidJwt,
  SIGNATURE_ERROR_CODE.revokedJwt,
  SIGNATURE_ERROR_CODE.invalidKey,
  SIGNATURE_ERROR_CODE.unknownKey,
]);
/**
 * PS answers after which a fresh resource token (one more resource round trip) may succeed. `502
 * as_unreachable`: the PS could not reach the resource's AS; retry later with a fresh one (P11 §8).
 */
const RETRY_WITH_FRESH_RESOURCE_TOKEN: ReadonlySet<string> = new Set([
  'expired_resource_token',
  'as_unreachable',
]);
/** Longest PS `Retry-After` the call sits through before its one retry; a longer one is the caller's call. */
const MAX_PS_RETRY_AFTER_MS = 10_000;
const RETRY_WITH_FRESH_PRESENTED_TOKEN: ReadonlySet<string> = new Set([
  'invalid_presented_token',
  'expired_presented_token',
  'revoked_presented_token',
]);

export interface ResourceFlowOptions {
  transport: Transport;
  signing: RequestSigner;
  credentials: AgentCredentials;
  broker: TokenBroker;
  registry: ConsentRegistry;
  deferred: DeferredContext;
  now: () => number;
  development: boolean;
  /** Serialized `AAuth-Capabilities`, or undefined to send none. */
  capabilitiesHeader: string | undefined;
  consent: ConsentMode;
  consentTimeoutMs: number;
  pollOptions: PollScheduleOptions;
  debug: DebugSink | undefined;
}

/** What worked last time on a route (method + origin + path): so warm calls need one round trip. */
type RouteHint = { kind: 'agent' } | { kind: 'person' } | { kind: 'auth'; scope: readonly string[] };

interface CallState {
  forced: Credential | undefined;
  recovered: Set<string>;
  skewSeconds: number;
  components: string[];
  personRetried: boolean;
  authChallenges: number;
  psRestarted: boolean;
  /** The call was already re-sent once without a refused session token. */
  sessionRetried: boolean;
}

type Reaction =
  | { type: 'return' }
  | { type: 'retry' }
  | { type: 'final'; final: FinalAnswer; credential: Credential };

const RETURN: Reaction = { type: 'return' };
const RETRY: Reaction = { type: 'retry' };
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** A buffered final answer as a fresh Response for the caller. */
export function toResponse(final: FinalAnswer): Response {
  const { response, body } = final;
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : (body as Uint8Array<ArrayBuffer>), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function fingerprint(out: OutgoingRequest): string {
  const hash = createHash('sha256');
  hash.update(`${out.method} ${out.url.href}\n`);
  if (out.body !== null) hash.update(out.body);
  return hash.digest('base64url');
}

export class ResourceFlow {
  readonly #o: ResourceFlowOptions;
  readonly #routeHints = new Map<string, RouteHint>();
  /** Newest `AAuth-Access` session token per resource (P11 #aauth-access). */
  readonly #sessions = new Map<string, string>();
  /** Components a resource asked for with `invalid_input`, covered on every later request to it. */
  readonly #components = new Map<string, string[]>();

  constructor(options: ResourceFlowOptions) {
    this.#o = options;
  }

  clear(): void {
    this.#routeHints.clear();
    this.#sessions.clear();
    this.#components.clear();
  }

  #checkScheme(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.#o.development) return;
    throw new InvalidArgumentError(
      url.protocol === 'http:'
        ? `refusing to sign a request to ${url.origin} over http (set development: true for local servers)`
        : `unsupported URL scheme ${url.protocol}`,
    );
  }

  async run(out: OutgoingRequest): Promise<Response> {
    this.#checkScheme(out.url);
    const resource = out.url.origin;
    const route = `${out.method} ${resource}${out.url.pathname}`;
    const signal = out.signal;
    const state: CallState = {
      forced: undefined,
      recovered: new Set(),
      skewSeconds: 0,
      components: [],
      personRetried: false,
      authChallenges: 0,
      psRestarted: false,
      sessionRetried: false,
    };
    let carried: { final: FinalAnswer; credential: Credential } | undefined = await this.#resumeHeld(out);
    let sends = 0;
    for (;;) {
      const agent = await this.#o.credentials.get(signal);
      const parts = this.#o.broker.parts(agent, resource);
      let response: Response;
      let credential: Credential;
      let sentSession: string | undefined;
      // The URL that gave `response`: a relative Location resolves against it (RFC 9110 §10.2.2).
      let answeredBy = out.url;
      if (carried !== undefined) {
        response = toResponse(carried.final);
        credential = carried.credential;
        answeredBy = carried.final.url;
        carried = undefined;
      } else {
        if (sends++ >= MAX_SENDS) {
          throw new ProtocolError(`${resource} did not settle after ${MAX_SENDS} signed requests`, {
            url: out.url.href,
          });
        }
        credential = state.forced ?? (await this.#select(parts, route, agent));
        ({ response, sentSession } = await this.#send(out, credential, state, resource));
      }
      const fresh = this.#absorbAccess(resource, response);
      if (response.status === 401 && sentSession !== undefined && !fresh) {
        // The session token was not accepted; later requests go without it.
        if (this.#sessions.get(resource) === sentSession) this.#sessions.delete(resource);
        // A refused session (not a signature failure) is re-sent once on the token alone (P11 §6.9).
        if (!state.sessionRetried && !response.headers.has(HEADER.signatureError)) {
          state.sessionRetried = true;
          discard(response);
          continue;
        }
      }
      const reaction = await this.#react(out, response, answeredBy, credential, agent, parts, state);
      if (reaction.type === 'return') {
        if (response.status !== 401 && response.status !== 402) this.#learnRoute(route, credential);
        return response;
      }
      discard(response);
      if (reaction.type === 'final') carried = { final: reaction.final, credential: reaction.credential };
    }
  }

  #learnRoute(route: string, credential: Credential): void {
    const hint: RouteHint =
      credential.kind === 'auth'
        ? { kind: 'auth', scope: credential.scope ?? [] }
        : { kind: credential.kind };
    this.#routeHints.delete(route);
    this.#routeHints.set(route, hint);
    if (this.#routeHints.size > MAX_ROUTE_HINTS) {
      const oldest = this.#routeHints.keys().next();
      if (oldest.done !== true) this.#routeHints.delete(oldest.value);
    }
  }

  /** The token to present: what worked on this route, else newest auth token, person token, agent token. */
  async #select(parts: CacheKeyParts, route: string, agent: AgentTokenState): Promise<Credential> {
    const broker = this.#o.broker;
    const hint = this.#routeHints.get(route);
    if (hint?.kind === 'agent') return agentCredential(agent);
    if (hint?.kind === 'auth') {
      const stored = await broker.cachedAuth(parts, hint.scope);
      if (stored !== undefined) return storedCredential(stored);
    }
    if (hint?.kind !== 'person') {
      const latest = await broker.cachedAuth(parts);
      if (latest !== undefined) return storedCredential(latest);
    }
    const person = await broker.cachedPerson(parts);
    if (person !== undefined) return storedCredential(person);
    return agentCredential(agent);
  }

  async #send(
    out: OutgoingRequest,
    credential: Credential,
    state: CallState,
    resource: string,
  ): Promise<{ response: Response; sentSession: string | undefined }> {
    const headers = new Headers(out.headers);
    const capabilities = this.#o.capabilitiesHeader;
    if (capabilities !== undefined && !headers.has(HEADER.aauthCapabilities)) {
      headers.set(HEADER.aauthCapabilities, capabilities);
    }
    let sentSession: string | undefined;
    const session = this.#sessions.get(resource);
    if (session !== undefined && !headers.has(HEADER.authorization)) {
      headers.set(HEADER.authorization, formatAAuthAuthorization(session));
      sentSession = session;
    }
    const remembered = this.#components.get(resource);
    const components =
      remembered === undefined ? state.components : [...new Set([...remembered, ...state.components])];
    await this.#o.signing.sign({ method: out.method, url: out.url, headers, body: out.body }, credential, {
      additionalComponents: components,
      skewSeconds: state.skewSeconds,
    });
    const { response } = await this.#o.transport.send(
      {
        step: 'resource',
        method: out.method,
        url: out.url,
        headers,
        body: out.body,
        token: credential.kind,
        signal: out.signal,
        passthrough: out.passthrough,
      },
      false,
    );
    return { response, sentSession };
  }

  /** Stores a new `AAuth-Access` session token; true when the response carried one. */
  #absorbAccess(resource: string, response: Response): boolean {
    const value = response.headers.get(HEADER.aauthAccess);
    if (value === null) return false;
    try {
      this.#sessions.set(resource, parseAAuthAccess(value));
      return true;
    } catch {
      this.#o.debug?.(`ignoring a malformed AAuth-Access header from ${resource}`);
      return false;
    }
  }

  async #react(
    out: OutgoingRequest,
    response: Response,
    answeredBy: URL,
    credential: Credential,
    agent: AgentTokenState,
    parts: CacheKeyParts,
    state: CallState,
  ): Promise<Reaction> {
    const status = response.status;
    if (status !== 401 && status !== 402 && status !== 202) return RETURN;
    const requirement = readRequirement(response, answeredBy.href);
    if (status === 202) {
      if (requirement === undefined) return RETURN; // a plain 202 Accepted (MCP notifications, jobs)
      const answer = readDeferred(response, undefined, answeredBy, this.#o.now());
      if (requirement.requirement === REQUIREMENT.authToken) {
        return this.#deferredAuthToken(out, requirement, answer, credential, agent, parts, state);
      }
      const body = await readBounded(response, MAX_PROTOCOL_BODY_BYTES, out.url.href);
      const full = readDeferred(response, body, answeredBy, this.#o.now());
      const final = await this.#heldByResource(out, full, credential, parts, false);
      return { type: 'final', final, credential };
    }
    const signatureError = readSignatureError(response);
    if (requirement !== undefined) {
      switch (requirement.requirement) {
        case REQUIREMENT.agentToken:
          if (credential.kind !== 'agent') {
            state.forced = agentCredential(agent);
            return RETRY;
          }
          break;
        case REQUIREMENT.personToken:
          return this.#personChallenge(out, credential, agent, parts, state);
        case REQUIREMENT.authToken: {
          const stored = await this.#authForChallenge(out, requirement, credential, agent, parts, state);
          if (stored === undefined) return RETRY;
          state.forced = storedCredential(stored);
          return RETRY;
        }
        default:
          break;
      }
    }
    if (status === 401 && signatureError !== undefined) {
      const recovered = await this.#recover(signatureError, response, credential, parts, state, out.signal);
      return recovered ? RETRY : RETURN;
    }
    return RETURN;
  }

  async #personChallenge(
    out: OutgoingRequest,
    credential: Credential,
    agent: AgentTokenState,
    parts: CacheKeyParts,
    state: CallState,
  ): Promise<Reaction> {
    const broker = this.#o.broker;
    if (credential.kind === 'person') {
      if (state.personRetried) {
        throw new ProtocolError(`${parts.resource} rejected a fresh person token`, {
          status: 401,
          url: out.url.href,
        });
      }
      state.personRetried = true;
    }
    await broker.drop(parts, credential);
    const stored = await broker.personToken(
      agent,
      parts,
      out.signal,
      credential.kind === 'person' ? credential.token : undefined,
      out.consent,
    );
    state.forced = storedCredential(stored);
    return RETRY;
  }

  /** Checks the resource token and obtains the auth token; undefined when the call should be re-sent. */
  async #authForChallenge(
    out: OutgoingRequest,
    requirement: AAuthRequirement,
    credential: Credential,
    agent: AgentTokenState,
    parts: CacheKeyParts,
    state: CallState,
  ): Promise<StoredToken | undefined> {
    const url = out.url.href;
    if (++state.authChallenges > MAX_AUTH_CHALLENGES) {
      throw new ProtocolError(`${parts.resource} keeps asking for an auth token`, { url });
    }
    if (credential.kind === 'agent') {
      throw new ProtocolError(
        `${parts.resource} sent a resource token for a request carrying only the agent token (P11: person or auth token first)`,
        { url },
      );
    }
    const broker = this.#o.broker;
    const checked = checkResourceToken(requirement.resourceToken!, {
      resource: parts.resource,
      thumbprint: parts.thumbprint,
      personServer: broker.personServerFor(agent),
      presented: { jti: credential.jti, sub: credential.sub },
      nowSeconds: Math.floor(this.#o.now() / 1000),
      url,
    });
    try {
      return await broker.authToken({
        parts,
        checked,
        presented: credential,
        signal: out.signal,
        ...(out.consent === undefined ? {} : { mode: out.consent }),
      });
    } catch (error) {
      if (!(error instanceof PersonServerError) || state.psRestarted) throw error;
      if (RETRY_WITH_FRESH_RESOURCE_TOKEN.has(error.error)) {
        const delay = error.retryAfterMs ?? 0;
        if (delay > MAX_PS_RETRY_AFTER_MS) throw error;
        state.psRestarted = true;
        // Wait before re-sending, so the resource mints the fresh resource token after the pause.
        await sleep(delay, out.signal);
        state.forced = credential;
        return undefined;
      }
      if (RETRY_WITH_FRESH_PRESENTED_TOKEN.has(error.error)) {
        state.psRestarted = true;
        await broker.drop(parts, credential);
        state.forced = undefined;
        return undefined;
      }
      throw error;
    }
  }

  /** 202 `auth-token` (P11 #deferred-auth-token): obtain the auth token, then poll the held call with it. */
  async #deferredAuthToken(
    out: OutgoingRequest,
    requirement: AAuthRequirement,
    answer: DeferredAnswer,
    credential: Credential,
    agent: AgentTokenState,
    parts: CacheKeyParts,
    state: CallState,
  ): Promise<Reaction> {
    if (answer.pollUrl === undefined) {
      throw new ProtocolError(`${parts.resource} deferred the call (202) without Location`, {
        status: 202,
        url: out.url.href,
      });
    }
    const stored = await this.#authForChallenge(out, requirement, credential, agent, parts, state);
    if (stored === undefined) return RETRY;
    const presented = storedCredential(stored);
    const final = await this.#heldByResource(out, answer, presented, parts, true);
    return { type: 'final', final, credential: presented };
  }

  /**
   * A call the resource holds (202 with a requirement): remembered under the request's fingerprint so a
   * re-run resumes it. `pollNow`: the held call only waits for our token, so poll it even in 'throw' mode.
   */
  async #heldByResource(
    out: OutgoingRequest,
    answer: DeferredAnswer,
    credential: Credential,
    parts: CacheKeyParts,
    pollNow: boolean,
  ): Promise<FinalAnswer> {
    if (answer.pollUrl === undefined) {
      throw new ProtocolError(`${parts.resource} deferred the call (202) without Location`, {
        status: 202,
        url: out.url.href,
      });
    }
    const record = createRecord({
      kind: 'resource',
      server: 'resource',
      registryKey: this.#heldKey(parts.agent, out),
      resource: parts.resource,
      scope: credential.scope ?? [],
      mission: parts.mission,
      pollUrl: answer.pollUrl,
      retryAfterMs: answer.retryAfterMs,
      now: this.#o.now(),
      timeoutMs: this.#o.consentTimeoutMs,
      pollOptions: this.#o.pollOptions,
      credential: async () => credential,
      complete: async (final) => ({ token: '', final }),
    });
    this.#o.registry.add(record);
    await absorbDeferred(this.#o.deferred, record, answer, out.signal);
    return this.#settleHeld(record, out, pollNow);
  }

  async #settleHeld(record: PendingRecord, out: OutgoingRequest, pollNow: boolean): Promise<FinalAnswer> {
    const broker = this.#o.broker;
    const signal = out.signal;
    if ((out.consent ?? this.#o.consent) === 'wait') {
      const completion = await broker.wait(record, signal);
      this.#o.registry.remove(record);
      return completion.final!;
    }
    const completion =
      pollNow || record.completion !== undefined ? await broker.pollOnce(record, signal) : undefined;
    if (completion === undefined) throw broker.consentRequired(record);
    this.#o.registry.remove(record);
    return completion.final!;
  }

  #heldKey(agent: string, out: OutgoingRequest): string {
    return `held\u0000${agent}\u0000${fingerprint(out)}`;
  }

  /** A re-run of a call the resource is holding: poll (or collect) it instead of sending again. */
  async #resumeHeld(
    out: OutgoingRequest,
  ): Promise<{ final: FinalAnswer; credential: Credential } | undefined> {
    const registry = this.#o.registry;
    if (registry.resourceHeldCount() === 0) return undefined;
    const agent = await this.#o.credentials.get(out.signal);
    const record = registry.get(this.#heldKey(agent.identity, out), this.#o.now());
    if (record === undefined) return undefined;
    const final = await this.#settleHeld(record, out, true);
    return { final, credential: await record.credential(out.signal) };
  }

  /** One recovery per Signature-Error code and call (SK08 §5; P11 §8). */
  async #recover(
    signatureError: SignatureErrorHeader,
    response: Response,
    credential: Credential,
    parts: CacheKeyParts,
    state: CallState,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const code = signatureError.error;
    if (state.recovered.has(code)) return false;
    state.recovered.add(code);
    if (code === SIGNATURE_ERROR_CODE.invalidSignature) return true;
    if (code === SIGNATURE_ERROR_CODE.invalidInput) {
      const required = signatureError.requiredInput ?? [];
      if (required.length === 0) return false;
      state.components = [...new Set([...state.components, ...required])];
      const remembered = this.#components.get(parts.resource) ?? [];
      this.#components.set(parts.resource, [...new Set([...remembered, ...required])]);
      return true;
    }
    if (code === SIGNATURE_ERROR_CODE.clockSkew) {
      const date = Date.parse(response.headers.get('date') ?? '');
      if (Number.isNaN(date)) return false;
      state.skewSeconds = (date - this.#o.now()) / 1000;
      return true;
    }
    if (!TOKEN_ERRORS.has(code)) return false;
    if (credential.kind === 'agent') {
      const current = this.#o.credentials.peek();
      if (current !== undefined && !current.refreshable) return false;
      await this.#o.credentials.refresh(signal);
      state.forced = undefined;
      return true;
    }
    await this.#o.broker.drop(parts, credential);
    state.forced = undefined;
    return true;
  }
}
