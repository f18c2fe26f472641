/**
 * Talking to the agent's Person Server: endpoints from `{ps}/.well-known/aauth-person.json` (through
 * the core's discovery cache), and signed JSON POSTs to `person_token_endpoint` / `auth_token_endpoint`
 * with `content-type` + `content-digest` covered and `Prefer: wait` (P11 #person-token-endpoint,
 * #ps-token-endpoint). Recovers once from signature answers it can fix (fresh `created`, clock skew,
 * fresh agent token) and retries once on a 429/503 whose Retry-After is at most 10 s.
 */
import { DWK, HEADER, SIGNATURE_ERROR_CODE } from '../constants.js';
import type { Discovery } from '../discovery/index.js';
import type { AgentCredentials } from './agent-credentials.js';
import {
  type DeferredAnswer,
  readDeferred,
  readProblem,
  readSignatureError,
  requireJsonObject,
} from './answers.js';
import { CONSENT_ENDINGS } from './deferred.js';
import { ConsentDeniedError, PersonServerError, ProtocolError } from './errors.js';
import { parseRetryAfter } from './poll-schedule.js';
import type { RequestSigner } from './signing.js';
import { sleep } from './timers.js';
import { MAX_PROTOCOL_BODY_BYTES, type Transport } from './transport.js';

export interface PersonServerEndpoints {
  issuer: string;
  personTokenEndpoint: URL;
  authTokenEndpoint: URL;
}

export type PersonServerAnswer =
  | { type: 'done'; json: Record<string, unknown>; url: URL }
  | { type: 'deferred'; answer: DeferredAnswer & { pollUrl: URL }; url: URL };

export interface PersonServerClientOptions {
  discovery: Discovery;
  transport: Transport;
  signing: RequestSigner;
  credentials: AgentCredentials;
  now: () => number;
  development: boolean;
  preferWaitSeconds: number;
}

/** Longest back-off the client sits through on a 429/503 from a token endpoint before giving up. */
const MAX_BACKOFF_MS = 10_000;
const MAX_BACKOFFS = 1;
/** Signature-Error codes a fresh agent token can fix. */
const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  SIGNATURE_ERROR_CODE.expiredJwt,
  SIGNATURE_ERROR_CODE.invalidJwt,
  SIGNATURE_ERROR_CODE.invalidKey,
  SIGNATURE_ERROR_CODE.unknownKey,
  SIGNATURE_ERROR_CODE.revokedJwt,
]);

function endpointUrl(value: unknown, name: string, issuer: string, development: boolean): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || !(url.protocol === 'https:' || (development && url.protocol === 'http:'))) {
    throw new ProtocolError(`person server ${issuer} metadata has no usable ${name}`, { url: issuer });
  }
  return url;
}

export class PersonServerClient {
  readonly #options: PersonServerClientOptions;
  readonly #endpoints = new Map<string, Promise<PersonServerEndpoints>>();

  constructor(options: PersonServerClientOptions) {
    this.#options = options;
  }

  /** Token endpoints of `ps` (memoized; the discovery cache handles freshness of the document). */
  endpoints(ps: string, signal: AbortSignal | undefined): Promise<PersonServerEndpoints> {
    let pending = this.#endpoints.get(ps);
    if (pending === undefined) {
      pending = this.#options.discovery.getMetadata(ps, DWK.person, { signal }).then((metadata) => ({
        issuer: ps,
        personTokenEndpoint: endpointUrl(
          metadata.person_token_endpoint,
          'person_token_endpoint',
          ps,
          this.#options.development,
        ),
        authTokenEndpoint: endpointUrl(
          metadata.auth_token_endpoint,
          'auth_token_endpoint',
          ps,
          this.#options.development,
        ),
      }));
      this.#endpoints.set(ps, pending);
      // A failure is not memoized: the next call asks discovery again (which applies its own backoff).
      pending.catch(() => {
        if (this.#endpoints.get(ps) === pending) this.#endpoints.delete(ps);
      });
    }
    return pending;
  }

  clear(): void {
    this.#endpoints.clear();
  }

  /** POSTs `payload` to a token endpoint, signed with the agent token. */
  async post(
    step: 'person-token' | 'auth-token',
    url: URL,
    payload: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<PersonServerAnswer> {
    const { transport, signing, credentials, now, preferWaitSeconds } = this.#options;
    const body = new TextEncoder().encode(JSON.stringify(payload));
    const recovered = new Set<string>();
    let skewSeconds = 0;
    let backoffs = 0;
    for (;;) {
      const agent = await credentials.get(signal);
      const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
      if (preferWaitSeconds > 0) headers.set(HEADER.prefer, `wait=${preferWaitSeconds}`);
      await signing.sign(
        { method: 'POST', url, headers, body },
        { kind: 'agent', token: agent.token, jti: agent.info.jti, sub: agent.info.sub },
        { skewSeconds },
      );
      const exchange = await transport.send(
        {
          step,
          method: 'POST',
          url,
          headers,
          body,
          token: 'agent',
          signal,
          holdMs: preferWaitSeconds * 1000,
        },
        MAX_PROTOCOL_BODY_BYTES,
      );
      const { response } = exchange;
      const bytes = exchange.body ?? new Uint8Array(0);
      const status = response.status;
      if (status === 200) {
        return { type: 'done', json: requireJsonObject(bytes, status, url.href, `${step} response`), url };
      }
      if (status === 202) {
        const answer = readDeferred(response, bytes, url, now());
        if (answer.pollUrl === undefined) {
          throw new ProtocolError(`${step} answered 202 without Location`, { status, url: url.href });
        }
        return { type: 'deferred', answer: { ...answer, pollUrl: answer.pollUrl }, url };
      }
      if (status === 401) {
        const code = readSignatureError(response)?.error;
        if (code !== undefined && !recovered.has(code)) {
          recovered.add(code);
          if (code === SIGNATURE_ERROR_CODE.invalidSignature) continue;
          if (code === SIGNATURE_ERROR_CODE.clockSkew) {
            const date = Date.parse(response.headers.get('date') ?? '');
            if (!Number.isNaN(date)) {
              skewSeconds = (date - now()) / 1000;
              continue;
            }
          } else if (TOKEN_ERRORS.has(code) && agent.refreshable) {
            await credentials.refresh(signal);
            continue;
          }
        }
      }
      if ((status === 429 || status === 503) && backoffs < MAX_BACKOFFS) {
        // Only an explicit, short Retry-After earns a retry; otherwise the caller decides (typed error).
        const delay = parseRetryAfter(response.headers.get(HEADER.retryAfter), now());
        if (delay !== undefined && delay <= MAX_BACKOFF_MS) {
          backoffs++;
          await sleep(delay, signal);
          continue;
        }
      }
      const problem = readProblem(response, bytes);
      // A PS that refuses outright (no pending request) ends the consent just as a poll would (P11 §8).
      const resource = typeof payload.resource === 'string' ? payload.resource : url.origin;
      if (status === 403 && problem?.error !== undefined && CONSENT_ENDINGS.has(problem.error)) {
        throw new ConsentDeniedError(resource, problem.error, status, problem);
      }
      throw new PersonServerError(url.href, status, problem, {
        retryAfterMs: parseRetryAfter(response.headers.get(HEADER.retryAfter), now()),
      });
    }
  }
}
