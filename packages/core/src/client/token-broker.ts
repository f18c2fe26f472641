/**
 * Person and auth tokens for the agent: cache lookups, single-flight requests to the Person Server,
 * and the consents those requests may need (wait, throw-and-remember, resume).
 *
 * Single-flight keys are the cache keys, so N concurrent calls to a cold resource make one person-token
 * request, one auth-token request and at most one `onInteraction`; a remembered pending consent is
 * found again by the same key, so re-running a call polls it instead of asking again.
 */
import { AbortedError, ConfigurationError } from '../errors.js';
import type { AgentCredentials, AgentTokenState } from './agent-credentials.js';
import { jsonObject } from './answers.js';
import {
  type Completion,
  type ConsentRegistry,
  createRecord,
  type FinalAnswer,
  type PendingRecord,
} from './consent.js';
import {
  absorbDeferred,
  answerClarification,
  type DeferredContext,
  pollOnce,
  waitForFinal,
} from './deferred.js';
import { ConsentRequiredError, ProtocolError } from './errors.js';
import type { PersonServerClient } from './person-server.js';
import type { PollScheduleOptions } from './poll-schedule.js';
import type { CheckedResourceToken } from './resource-token.js';
import type { Credential } from './signing.js';
import { SingleFlight } from './single-flight.js';
import {
  authTokenKey,
  type CacheKeyParts,
  isUsable,
  latestAuthTokenKey,
  personTokenKey,
  refreshAt,
  scopeKey,
} from './token-cache.js';
import { checkIssuedToken, scopeList } from './token-info.js';
import type { Interaction, PendingConsent, StoredToken, TokenStore } from './types.js';

export type ConsentMode = 'wait' | 'throw';

export interface TokenBrokerOptions {
  store: TokenStore;
  credentials: AgentCredentials;
  personServers: PersonServerClient;
  deferred: DeferredContext;
  registry: ConsentRegistry;
  now: () => number;
  /** Explicit PS; otherwise the agent token's `ps`. */
  personServer: string | undefined;
  mission: string | undefined;
  capabilities: readonly string[];
  consent: ConsentMode;
  consentTimeoutMs: number;
  pollOptions: PollScheduleOptions;
  justification: ((ctx: { resource: string; scope: string[] }) => string | undefined) | undefined;
}

export interface AuthTokenRequest {
  parts: CacheKeyParts;
  checked: CheckedResourceToken;
  presented: Credential;
  signal: AbortSignal | undefined;
  justification?: string;
  /** Overrides the client's consent mode (requestAuthorization always uses 'throw'). */
  mode?: ConsentMode;
}

/** The credential a stored token presents. */
export function storedCredential(stored: StoredToken): Credential {
  return { kind: stored.kind, token: stored.token, jti: stored.jti, sub: stored.sub, scope: stored.scope };
}

export function agentCredential(agent: AgentTokenState): Credential {
  return { kind: 'agent', token: agent.token, jti: agent.info.jti, sub: agent.info.sub };
}

/** An `approval` interaction standing in when a consent has nothing for a person to visit. */
function fallbackInteraction(record: PendingRecord): Interaction {
  return {
    kind: 'approval',
    resource: record.handle.resource,
    scope: [...record.handle.scope],
    expiresAt: record.handle.expiresAt,
    server: record.server,
    pendingId: record.handle.id,
  };
}

export class TokenBroker {
  readonly #o: TokenBrokerOptions;
  readonly #tokenFlights = new SingleFlight<StoredToken>();
  readonly #consentFlights = new SingleFlight<Completion | undefined>();
  /** jti → token, for requestAuthorization's presented-token lookup (bounded). */
  readonly #byJti = new Map<string, StoredToken>();

  constructor(options: TokenBrokerOptions) {
    this.#o = options;
  }

  /** The PS this agent uses: the option, else the agent token's `ps`. */
  personServerFor(agent: AgentTokenState): string {
    const ps = this.#o.personServer ?? agent.ps;
    if (ps === undefined) {
      throw new ConfigurationError(
        'the resource requires a person or auth token but no Person Server is known: set personServer or use an agent token with a ps claim',
      );
    }
    return ps;
  }

  parts(agent: AgentTokenState, resource: string, mission = this.#o.mission): CacheKeyParts {
    return { agent: agent.identity, thumbprint: agent.thumbprint, resource, mission };
  }

  async #usable(key: string): Promise<StoredToken | undefined> {
    const stored = await this.#o.store.get(key);
    return isUsable(stored, this.#o.now()) ? stored : undefined;
  }

  cachedAuth(parts: CacheKeyParts, scope?: readonly string[]): Promise<StoredToken | undefined> {
    return this.#usable(scope === undefined ? latestAuthTokenKey(parts) : authTokenKey(parts, scope));
  }

  cachedPerson(parts: CacheKeyParts): Promise<StoredToken | undefined> {
    return this.#usable(personTokenKey(parts));
  }

  /** A token seen earlier by `jti` (still usable), for requestAuthorization. */
  byJti(jti: string): StoredToken | undefined {
    const stored = this.#byJti.get(jti);
    return isUsable(stored, this.#o.now()) ? stored : undefined;
  }

  /** Forgets a token the resource rejected (only if the cache still holds that very token). */
  async drop(parts: CacheKeyParts, credential: Credential): Promise<void> {
    if (credential.kind === 'agent') return;
    const keys =
      credential.kind === 'person'
        ? [personTokenKey(parts)]
        : [authTokenKey(parts, credential.scope ?? []), latestAuthTokenKey(parts)];
    for (const key of keys) {
      const stored = await this.#o.store.get(key);
      if (stored !== undefined && stored.token === credential.token) await this.#o.store.delete(key);
    }
    if (credential.jti !== undefined) this.#byJti.delete(credential.jti);
  }

  async #remember(stored: StoredToken, keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.#o.store.set(key, stored);
    if (stored.jti !== undefined) {
      this.#byJti.delete(stored.jti);
      this.#byJti.set(stored.jti, stored);
      if (this.#byJti.size > 1000) {
        const oldest = this.#byJti.keys().next();
        if (oldest.done !== true) this.#byJti.delete(oldest.value);
      }
    }
  }

  /** Validates a token the PS issued and caches it. */
  async #store(
    kind: 'person' | 'auth',
    json: Record<string, unknown>,
    parts: CacheKeyParts,
    url: string,
    fallbackScope: readonly string[],
    presentedSub: string | undefined,
    resourceTokenAud?: unknown,
  ): Promise<StoredToken> {
    const field = kind === 'person' ? 'person_token' : 'auth_token';
    const nowMs = this.#o.now();
    const info = checkIssuedToken(json[field], {
      kind,
      resource: parts.resource,
      thumbprint: parts.thumbprint,
      ...(presentedSub === undefined ? {} : { sub: presentedSub }),
      ...(resourceTokenAud === undefined ? {} : { resourceTokenAud }),
      nowSeconds: Math.floor(nowMs / 1000),
      url,
    });
    const granted = kind === 'auth' ? scopeList(info.claims.scope) : [];
    const scope = kind === 'auth' ? (granted.length > 0 ? granted : [...fallbackScope]) : [];
    const stored: StoredToken = {
      token: info.raw,
      kind,
      resource: parts.resource,
      scope,
      jti: info.jti,
      sub: info.sub,
      exp: info.exp!,
      refreshAt: refreshAt(info.iat, info.exp!, nowMs),
    };
    const keys =
      kind === 'person' ? [personTokenKey(parts)] : [authTokenKey(parts, scope), latestAuthTokenKey(parts)];
    // Also file an auth token under the scope it was requested for, when the PS granted a different set.
    if (kind === 'auth' && scopeKey(scope) !== scopeKey(fallbackScope) && fallbackScope.length > 0) {
      keys.push(authTokenKey(parts, fallbackScope));
    }
    await this.#remember(stored, keys);
    return stored;
  }

  #completeWithToken(
    kind: 'person' | 'auth',
    parts: CacheKeyParts,
    fallbackScope: readonly string[],
    presentedSub: string | undefined,
    resourceTokenAud?: unknown,
  ): PendingRecord['complete'] {
    return async (final: FinalAnswer) => {
      const json = jsonObject(final.body);
      if (json === undefined) {
        throw new ProtocolError('final answer of the pending request is not a JSON object', {
          status: final.response.status,
          url: final.response.url || undefined,
        });
      }
      const stored = await this.#store(
        kind,
        json,
        parts,
        final.response.url,
        fallbackScope,
        presentedSub,
        resourceTokenAud,
      );
      return { token: stored.token, stored };
    };
  }

  #agentPoller(): PendingRecord['credential'] {
    return async (signal) => agentCredential(await this.#o.credentials.get(signal));
  }

  /** A usable person token for the resource: cache, remembered consent, or one PS request. */
  async personToken(
    agent: AgentTokenState,
    parts: CacheKeyParts,
    signal: AbortSignal | undefined,
    rejected?: string,
    mode: ConsentMode = this.#o.consent,
  ): Promise<StoredToken> {
    const key = personTokenKey(parts);
    const cached = await this.#usable(key);
    if (cached !== undefined && cached.token !== rejected) return cached;
    const record = this.#o.registry.get(key, this.#o.now());
    if (record !== undefined) return this.#resume(record, mode, signal);
    return this.#tokenFlights
      .run(
        key,
        async (flightSignal) => {
          const ps = this.personServerFor(agent);
          const endpoints = await this.#o.personServers.endpoints(ps, flightSignal);
          const payload: Record<string, unknown> = { resource: parts.resource };
          if (this.#o.capabilities.length > 0) payload.capabilities = [...this.#o.capabilities];
          if (parts.mission !== undefined) payload.mission_s256 = parts.mission;
          const answer = await this.#o.personServers.post(
            'person-token',
            endpoints.personTokenEndpoint,
            payload,
            flightSignal,
          );
          if (answer.type === 'done') {
            return this.#store('person', answer.json, parts, answer.url.href, [], undefined);
          }
          const created = createRecord({
            kind: 'person-token',
            server: 'person-server',
            registryKey: key,
            resource: parts.resource,
            scope: [],
            mission: parts.mission,
            pollUrl: answer.answer.pollUrl,
            retryAfterMs: answer.answer.retryAfterMs,
            now: this.#o.now(),
            timeoutMs: this.#o.consentTimeoutMs,
            pollOptions: this.#o.pollOptions,
            credential: this.#agentPoller(),
            complete: this.#completeWithToken('person', parts, [], undefined),
          });
          return this.#begin(created, answer.answer, flightSignal);
        },
        signal,
      )
      .catch((error: unknown) => this.#inMode(error, mode, signal));
  }

  /** A usable auth token for a checked resource token: cache, remembered consent, or one PS request. */
  async authToken(request: AuthTokenRequest): Promise<StoredToken> {
    const { parts, checked, presented, signal } = request;
    const mode = request.mode ?? this.#o.consent;
    const key = authTokenKey(parts, checked.scope);
    const cached = await this.#usable(key);
    if (cached !== undefined && cached.token !== presented.token) return cached;
    const record = this.#o.registry.get(key, this.#o.now());
    if (record !== undefined) return this.#resume(record, mode, signal);
    return this.#tokenFlights
      .run(
        key,
        async (flightSignal) => {
          const agent = await this.#o.credentials.get(flightSignal);
          const ps = this.personServerFor(agent);
          const endpoints = await this.#o.personServers.endpoints(ps, flightSignal);
          const payload: Record<string, unknown> = {
            resource_token: checked.raw,
            presented_token: presented.token,
          };
          const justification =
            request.justification ??
            this.#o.justification?.({ resource: parts.resource, scope: [...checked.scope] });
          if (justification !== undefined && justification !== '') payload.justification = justification;
          if (checked.loginHint !== undefined) payload.login_hint = checked.loginHint;
          if (this.#o.capabilities.length > 0) payload.capabilities = [...this.#o.capabilities];
          const answer = await this.#o.personServers.post(
            'auth-token',
            endpoints.authTokenEndpoint,
            payload,
            flightSignal,
          );
          if (answer.type === 'done') {
            return this.#store(
              'auth',
              answer.json,
              parts,
              answer.url.href,
              checked.scope,
              presented.sub,
              checked.info.claims.aud,
            );
          }
          const created = createRecord({
            kind: 'auth-token',
            server: 'person-server',
            registryKey: key,
            resource: parts.resource,
            scope: checked.scope,
            mission: parts.mission,
            pollUrl: answer.answer.pollUrl,
            retryAfterMs: answer.answer.retryAfterMs,
            now: this.#o.now(),
            timeoutMs: this.#o.consentTimeoutMs,
            pollOptions: this.#o.pollOptions,
            credential: this.#agentPoller(),
            complete: this.#completeWithToken(
              'auth',
              parts,
              checked.scope,
              presented.sub,
              checked.info.claims.aud,
            ),
          });
          return this.#begin(created, answer.answer, flightSignal);
        },
        signal,
      )
      .catch((error: unknown) => this.#inMode(error, mode, signal));
  }

  /**
   * The shared flight never waits (its joiners may run in different modes): a caller in 'wait' mode
   * turns its ConsentRequiredError into a wait on the consent the flight registered.
   */
  async #inMode(error: unknown, mode: ConsentMode, signal: AbortSignal | undefined): Promise<StoredToken> {
    if (mode !== 'wait' || !(error instanceof ConsentRequiredError)) throw error;
    const record = this.#o.registry.byId(error.pending.id);
    if (record === undefined) throw error;
    return this.#resume(record, 'wait', signal);
  }

  /**
   * Registers a new pending consent, applies its first 202 (announcing it), answers a clarification,
   * then throws ConsentRequiredError; each caller applies its own mode (#inMode).
   */
  async #begin(
    record: PendingRecord,
    answer: Parameters<typeof absorbDeferred>[2],
    signal: AbortSignal | undefined,
  ): Promise<StoredToken> {
    this.#o.registry.add(record);
    await absorbDeferred(this.#o.deferred, record, answer, signal);
    // A clarification is answered by the agent itself; only then is there anything to wait for.
    const completion = await this.pollOnce(record, signal, false);
    if (completion !== undefined) return completion.stored!;
    throw this.consentRequired(record);
  }

  async #resume(
    record: PendingRecord,
    mode: ConsentMode,
    signal: AbortSignal | undefined,
  ): Promise<StoredToken> {
    if (mode === 'wait') return (await this.wait(record, signal)).stored!;
    const completion = await this.pollOnce(record, signal);
    if (completion === undefined) throw this.consentRequired(record);
    return completion.stored!;
  }

  consentRequired(record: PendingRecord): ConsentRequiredError {
    return new ConsentRequiredError(record.interaction ?? fallbackInteraction(record), record.handle);
  }

  /**
   * Waits for a consent to complete (one shared loop per pending consent, however many callers). The
   * record is forgotten once it ends, except on abort: a re-run may pick it up again.
   */
  wait(record: PendingRecord, signal: AbortSignal | undefined): Promise<Completion> {
    if (record.completion !== undefined) return Promise.resolve(record.completion);
    return this.#consentFlights
      .run(
        `wait\u0000${record.handle.id}`,
        (flightSignal) => this.#settle(record, () => waitForFinal(this.#o.deferred, record, flightSignal)),
        signal,
      )
      .then((completion) => completion!);
  }

  /**
   * One poll (shared by concurrent callers), skipped when the last one was too recent or `poll` is
   * false; answers a pending clarification first. Undefined while still pending.
   */
  pollOnce(
    record: PendingRecord,
    signal: AbortSignal | undefined,
    poll = true,
  ): Promise<Completion | undefined> {
    if (record.completion !== undefined) return Promise.resolve(record.completion);
    return this.#consentFlights.run(
      `poll\u0000${record.handle.id}\u0000${poll}`,
      async (flightSignal) => {
        if (record.clarification !== undefined && this.#o.deferred.onClarification !== undefined) {
          const final = await this.#settleMaybe(record, () =>
            answerClarification(this.#o.deferred, record, flightSignal),
          );
          if (final !== undefined) return final;
        }
        if (!poll || !record.schedule.mayPollNow(this.#o.now())) return undefined;
        return this.#settleMaybe(record, () =>
          pollOnce(this.#o.deferred, record, { signal: flightSignal, holdSeconds: 0 }),
        );
      },
      signal,
    );
  }

  async #settleMaybe(
    record: PendingRecord,
    step: () => Promise<FinalAnswer | undefined>,
  ): Promise<Completion | undefined> {
    let final: FinalAnswer | undefined;
    try {
      final = await step();
    } catch (error) {
      this.#forgetUnlessAborted(record, error);
      throw error;
    }
    if (final === undefined) return undefined;
    return this.#settle(record, async () => final);
  }

  async #settle(record: PendingRecord, step: () => Promise<FinalAnswer>): Promise<Completion> {
    try {
      const final = await step();
      const completion = await record.complete(final);
      record.completion = completion;
      // A resource-held call keeps its record until the re-run of the call collects the answer.
      if (record.handle.kind !== 'resource') this.#o.registry.remove(record);
      return completion;
    } catch (error) {
      this.#forgetUnlessAborted(record, error);
      throw error;
    }
  }

  #forgetUnlessAborted(record: PendingRecord, error: unknown): void {
    if (!(error instanceof AbortedError)) this.#o.registry.remove(record);
  }

  /**
   * The record for a handle: the live one, or (for a handle persisted by the app or created by another
   * client with the same key) a new record rebuilt from it.
   */
  async recordFor(handle: PendingConsent, signal: AbortSignal | undefined): Promise<PendingRecord> {
    const live = this.#o.registry.byId(handle.id);
    if (live !== undefined) return live;
    if (handle.kind === 'resource') {
      throw new ProtocolError(
        'a resource-held pending call can only be resumed by the client that started it',
      );
    }
    let pollUrl: URL;
    try {
      pollUrl = new URL(handle.pollUrl);
    } catch (cause) {
      throw new ProtocolError('pending consent has no valid pollUrl', {}, { cause });
    }
    const agent = await this.#o.credentials.get(signal);
    const parts = this.parts(agent, handle.resource, handle.mission);
    const kind = handle.kind === 'person-token' ? 'person' : 'auth';
    const record = createRecord({
      id: handle.id,
      kind: handle.kind,
      server: 'person-server',
      registryKey: kind === 'person' ? personTokenKey(parts) : authTokenKey(parts, handle.scope),
      resource: handle.resource,
      scope: handle.scope,
      mission: handle.mission,
      pollUrl,
      retryAfterMs: undefined,
      now: this.#o.now(),
      timeoutMs: this.#o.consentTimeoutMs,
      createdAt: handle.createdAt,
      expiresAt: handle.expiresAt,
      pollOptions: this.#o.pollOptions,
      credential: this.#agentPoller(),
      complete: this.#completeWithToken(kind, parts, handle.scope, undefined),
    });
    record.interaction = handle.interaction;
    record.handle.interaction = handle.interaction;
    this.#o.registry.add(record);
    return record;
  }

  clear(): void {
    this.#byJti.clear();
  }
}
