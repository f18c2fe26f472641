/**
 * `createAAuthClient`: the agent side of AAuth behind a drop-in `fetch`. Assembles the pieces
 * (credentials, transport, Person Server client, token broker, consent registry, resource flow) and
 * exposes the public API adapters build on.
 */
import { CAPABILITY, SUPPORTED_ALGS } from '../constants.js';
import { createDiscovery, DEVELOPMENT_EGRESS, STRICT_EGRESS } from '../discovery/index.js';
import { ConfigurationError, InvalidArgumentError, TimeoutError } from '../errors.js';
import { serializeCapabilities } from '../headers/index.js';
import { validateServerIdentifier } from '../identifiers.js';
import { AgentCredentials } from './agent-credentials.js';
import { ConsentRegistry } from './consent.js';
import { createDebugSink, type DebugSink } from './debug.js';
import type { DeferredContext } from './deferred.js';
import { ConsentRequiredError, ProtocolError } from './errors.js';
import { DEFAULT_MAX_BODY_BYTES, prepareOutgoing } from './outgoing.js';
import { PersonServerClient } from './person-server.js';
import {
  DEFAULT_MAX_POLL_INTERVAL_MS,
  DEFAULT_MIN_POLL_INTERVAL_MS,
  type PollScheduleOptions,
} from './poll-schedule.js';
import { ResourceFlow } from './resource-flow.js';
import { checkResourceToken } from './resource-token.js';
import { type Credential, RequestSigner } from './signing.js';
import { raceAbort, timedSignal } from './timers.js';
import { type ConsentMode, storedCredential, TokenBroker } from './token-broker.js';
import { MemoryTokenStore } from './token-cache.js';
import { readToken } from './token-info.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, Transport } from './transport.js';
import type {
  AAuthClient,
  AAuthClientOptions,
  AAuthEvent,
  PendingConsent,
  PollResult,
  RequestAuthorizationOptions,
  RequestAuthorizationResult,
  SignedRequestOptions,
  WaitOptions,
} from './types.js';

export const DEFAULT_CONSENT_TIMEOUT_MS = 15 * 60 * 1000;
export const DEFAULT_PREFER_WAIT_SECONDS = 45;

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

function checkSigner(options: AAuthClientOptions): void {
  const signer = options.signer as unknown;
  if (
    typeof signer !== 'object' ||
    signer === null ||
    typeof (signer as { sign?: unknown }).sign !== 'function' ||
    typeof (signer as { publicJwk?: unknown }).publicJwk !== 'object'
  ) {
    throw new ConfigurationError('options.signer must be a Signer (publicJwk + sign)');
  }
  if (!(SUPPORTED_ALGS as readonly string[]).includes(options.signer.alg)) {
    throw new ConfigurationError(`signer alg ${String(options.signer.alg)} is not Ed25519 or ES256`);
  }
}

function checkIdentifier(name: string, value: string | undefined, development: boolean): string | undefined {
  if (value === undefined) return undefined;
  try {
    return validateServerIdentifier(value, { allowLocalhostHttp: development });
  } catch (cause) {
    throw new ConfigurationError(`${name} ${JSON.stringify(value)} is not a server identifier`, { cause });
  }
}

function capabilitiesOf(options: AAuthClientOptions): string[] {
  if (options.capabilities !== undefined) {
    if (!Array.isArray(options.capabilities)) throw new ConfigurationError('capabilities must be an array');
    return [...options.capabilities];
  }
  const defaults: string[] = [CAPABILITY.interaction];
  if (options.onClarification !== undefined) defaults.push(CAPABILITY.clarification);
  return defaults;
}

/** A fetch that reports discovery exchanges (metadata, JWKS) through onEvent / debug. */
function observedFetch(
  base: typeof fetch,
  now: () => number,
  onEvent: ((event: AAuthEvent) => void) | undefined,
  debug: DebugSink | undefined,
): typeof fetch {
  if (onEvent === undefined && debug === undefined) return base;
  const emit = (event: AAuthEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // observers never break requests
    }
  };
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? 'GET';
    const started = now();
    emit({ step: 'discovery', phase: 'request', method, url });
    debug?.(`→ ${method} ${url} (discovery)`);
    try {
      const response = await base(input, init);
      const durationMs = now() - started;
      emit({ step: 'discovery', phase: 'response', method, url, status: response.status, durationMs });
      debug?.(`← ${response.status} ${method} ${url} ${durationMs}ms`);
      return response;
    } catch (error) {
      emit({ step: 'discovery', phase: 'error', method, url, durationMs: now() - started });
      throw error;
    }
  }) as typeof fetch;
}

function originOf(resource: string | URL): string {
  try {
    return new URL(resource).origin;
  } catch (cause) {
    throw new InvalidArgumentError(`${String(resource)} is not a URL`, { cause });
  }
}

export function createAAuthClient(options: AAuthClientOptions): AAuthClient {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  checkSigner(options);
  const development = options.development === true;
  // The library's clocks are Unix seconds; the client computes in milliseconds internally (timers).
  const nowSeconds = options.now ?? (() => Date.now() / 1000);
  if (typeof nowSeconds !== 'function') throw new ConfigurationError('options.now must be a function');
  const now = (): number => nowSeconds() * 1000;
  const consent = options.consent ?? 'wait';
  if (consent !== 'wait' && consent !== 'throw')
    throw new ConfigurationError("consent must be 'wait' or 'throw'");
  const consentTimeoutMs = positive('consentTimeoutMs', options.consentTimeoutMs, DEFAULT_CONSENT_TIMEOUT_MS);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS);
  const preferWaitSeconds = Math.floor(
    positive('preferWaitSeconds', options.preferWaitSeconds, DEFAULT_PREFER_WAIT_SECONDS, true),
  );
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const pollOptions: PollScheduleOptions = {
    minIntervalMs: positive(
      'minPollIntervalMs',
      options.minPollIntervalMs,
      DEFAULT_MIN_POLL_INTERVAL_MS,
      true,
    ),
    maxIntervalMs: positive('maxPollIntervalMs', options.maxPollIntervalMs, DEFAULT_MAX_POLL_INTERVAL_MS),
  };
  const personServer = checkIdentifier('personServer', options.personServer, development);
  const capabilities = capabilitiesOf(options);
  let capabilitiesHeader: string;
  try {
    capabilitiesHeader = serializeCapabilities(capabilities);
  } catch (cause) {
    throw new ConfigurationError('capabilities must be structured-field tokens', { cause });
  }
  const justificationOption = options.justification;
  const justification =
    justificationOption === undefined
      ? undefined
      : typeof justificationOption === 'string'
        ? () => justificationOption
        : justificationOption;
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  if (typeof baseFetch !== 'function') throw new ConfigurationError('options.fetch must be a function');
  const debug = createDebugSink(options.debug);

  const credentials = new AgentCredentials({
    signer: options.signer,
    ...(options.agentToken === undefined ? {} : { agentToken: options.agentToken }),
    ...(options.agentProvider === undefined ? {} : { agentProvider: options.agentProvider }),
    development,
    now,
  });
  const signing = new RequestSigner(options.signer, now);
  const transport = new Transport({
    fetch: baseFetch,
    now,
    requestTimeoutMs,
    onEvent: options.onEvent,
    debug,
  });
  const discovery =
    options.discovery ??
    createDiscovery({
      fetch: observedFetch(baseFetch, now, options.onEvent, debug),
      egress: development ? DEVELOPMENT_EGRESS : STRICT_EGRESS,
      timeoutMs: requestTimeoutMs,
      now: nowSeconds,
    });
  const registry = new ConsentRegistry();
  const onInteraction = options.onInteraction;
  const deferred: DeferredContext = {
    transport,
    signing,
    credentials,
    now,
    preferWaitSeconds,
    maxResponseBytes: maxBodyBytes,
    onClarification: options.onClarification,
    async announce(_record, interaction, signal) {
      if (!registry.firstAnnouncement(interaction)) return;
      debug?.(
        `consent needed for ${interaction.resource}: ${interaction.interactionUrl ?? 'approval (nothing to visit)'}`,
      );
      if (onInteraction === undefined) return;
      await raceAbort(
        Promise.resolve().then(() => onInteraction(interaction)),
        signal,
        'onInteraction',
      );
    },
  };
  const personServers = new PersonServerClient({
    discovery,
    transport,
    signing,
    credentials,
    now,
    development,
    preferWaitSeconds,
  });
  const store = options.tokenStore ?? new MemoryTokenStore();
  const broker = new TokenBroker({
    store,
    credentials,
    personServers,
    deferred,
    registry,
    now,
    personServer,
    mission: options.mission,
    capabilities,
    consent,
    consentTimeoutMs,
    pollOptions,
    justification,
  });
  const flow = new ResourceFlow({
    transport,
    signing,
    credentials,
    broker,
    registry,
    deferred,
    now,
    development,
    capabilitiesHeader: capabilitiesHeader === '' ? undefined : capabilitiesHeader,
    consent,
    consentTimeoutMs,
    pollOptions,
    debug,
  });

  async function clientFetch(
    input: string | URL | Request,
    init?: RequestInit,
    mode: ConsentMode = consent,
  ): Promise<Response> {
    const outgoing = await prepareOutgoing(input, init, maxBodyBytes);
    if (mode !== consent) outgoing.consent = mode;
    return flow.run(outgoing);
  }

  async function signedRequest(
    method: string,
    url: string | URL,
    request: SignedRequestOptions = {},
    mode: ConsentMode = consent,
  ): Promise<Response> {
    if (request.json !== undefined && request.body !== undefined) {
      throw new InvalidArgumentError('signedRequest takes json or body, not both');
    }
    const headers = new Headers(request.headers);
    const init: RequestInit = { method, headers };
    if (request.signal !== undefined) init.signal = request.signal;
    if (request.json !== undefined) {
      let text: string | undefined;
      try {
        text = JSON.stringify(request.json);
      } catch (cause) {
        throw new InvalidArgumentError('json is not serializable', { cause });
      }
      if (text === undefined) throw new InvalidArgumentError('json is not serializable');
      init.body = text;
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    } else if (request.body !== undefined) {
      init.body = request.body;
    }
    return clientFetch(url, init, mode);
  }

  async function presentedFor(
    resourceToken: ReturnType<typeof readToken>,
    presentedToken: string | undefined,
  ): Promise<Credential> {
    if (presentedToken !== undefined) {
      const info = readToken(presentedToken, 'presentedToken');
      const kind = info.typ === 'aa-person+jwt' ? 'person' : info.typ === 'aa-auth+jwt' ? 'auth' : undefined;
      if (kind === undefined) throw new InvalidArgumentError('presentedToken must be a person or auth token');
      return { kind, token: presentedToken, jti: info.jti, sub: info.sub };
    }
    const jti = resourceToken.claims.presented_jti;
    const stored = typeof jti === 'string' ? broker.byJti(jti) : undefined;
    if (stored === undefined) {
      throw new InvalidArgumentError(
        'presentedToken is required: no token this client holds has the resource token presented_jti',
      );
    }
    return storedCredential(stored);
  }

  async function requestAuthorization(
    request: RequestAuthorizationOptions,
  ): Promise<RequestAuthorizationResult> {
    if (typeof request?.resourceToken !== 'string')
      throw new InvalidArgumentError('resourceToken is required');
    const info = readToken(request.resourceToken, 'resource token');
    const resource = info.iss;
    if (resource === undefined || !URL.canParse(resource) || new URL(resource).origin !== resource) {
      throw new ProtocolError('resource token iss is not a server identifier');
    }
    const presented = await presentedFor(info, request.presentedToken);
    const agent = await credentials.get(request.signal);
    const checked = checkResourceToken(request.resourceToken, {
      resource,
      thumbprint: agent.thumbprint,
      personServer: broker.personServerFor(agent),
      presented: { jti: presented.jti, sub: presented.sub },
      nowSeconds: Math.floor(now() / 1000),
      url: resource,
    });
    try {
      const stored = await broker.authToken({
        parts: broker.parts(agent, resource),
        checked,
        presented,
        signal: request.signal,
        mode: 'throw',
        ...(request.justification === undefined ? {} : { justification: request.justification }),
      });
      return { authToken: stored.token, expiresIn: Math.max(0, stored.exp - Math.floor(now() / 1000)) };
    } catch (error) {
      if (!(error instanceof ConsentRequiredError)) throw error;
      const result: RequestAuthorizationResult = {
        authorizationRequired: true,
        interaction: error.interaction,
        pending: error.pending,
      };
      if (error.interaction.interactionUrl !== undefined)
        result.interactionUrl = error.interaction.interactionUrl;
      if (error.interaction.code !== undefined) result.code = error.interaction.code;
      return result;
    }
  }

  async function waitForConsent(pending: PendingConsent, wait: WaitOptions = {}): Promise<string> {
    const record = await broker.recordFor(pending, wait.signal);
    if (wait.timeoutMs === undefined) return (await broker.wait(record, wait.signal)).token;
    const timeoutMs = positive('timeoutMs', wait.timeoutMs, 0);
    const timed = timedSignal(wait.signal, timeoutMs);
    try {
      return (await broker.wait(record, timed.signal)).token;
    } catch (error) {
      if (timed.timedOut && !wait.signal?.aborted) {
        throw new TimeoutError(`consent for ${pending.resource} not given within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      timed.dispose();
    }
  }

  async function pollConsentOnce(
    pending: PendingConsent,
    poll: { signal?: AbortSignal } = {},
  ): Promise<PollResult> {
    const record = await broker.recordFor(pending, poll.signal);
    const completion = await broker.pollOnce(record, poll.signal);
    if (completion !== undefined) return { status: 'approved', authToken: completion.token };
    return { status: record.interacting ? 'interacting' : 'pending' };
  }

  function pendingConsent(resource?: string | URL): PendingConsent | undefined {
    return registry.latest(resource === undefined ? undefined : originOf(resource), now());
  }

  function clearCache(): void {
    registry.clear();
    flow.clear();
    personServers.clear();
    broker.clear();
    Promise.resolve(store.clear()).catch(() => undefined);
  }

  const views = new Map<ConsentMode, AAuthClient>();
  function view(mode: ConsentMode): AAuthClient {
    let client = views.get(mode);
    if (client === undefined) {
      client = Object.freeze({
        consentMode: mode,
        withConsent(next: ConsentMode): AAuthClient {
          if (next !== 'wait' && next !== 'throw')
            throw new InvalidArgumentError("consent must be 'wait' or 'throw'");
          return view(next);
        },
        fetch: (input: string | URL | Request, init?: RequestInit) => clientFetch(input, init, mode),
        signedRequest: (method: string, url: string | URL, request?: SignedRequestOptions) =>
          signedRequest(method, url, request, mode),
        requestAuthorization,
        waitForConsent,
        pollConsentOnce,
        pendingConsent,
        clearCache,
      });
      views.set(mode, client);
    }
    return client;
  }
  return view(consent);
}
