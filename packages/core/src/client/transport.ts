/**
 * The client's only door to the network. Every exchange is bounded (`requestTimeoutMs` plus any time
 * the server was allowed to hold it with `Prefer: wait`), honours the caller's AbortSignal, maps
 * failures to TimeoutError / AbortedError / NetworkError, and is reported through `onEvent` and the
 * debug sink.
 */

import { HEADER } from '../constants.js';
import { AAuthError, NetworkError, TimeoutError } from '../errors.js';
import { readStreamWithLimit } from '../util/read-stream.js';
import { type DebugSink, scrub } from './debug.js';
import { ProtocolError } from './errors.js';
import { abortedError, timedSignal } from './timers.js';
import type { AAuthEvent, AAuthStep } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Largest response body the client reads itself (Person Server JSON, problem details). */
export const MAX_PROTOCOL_BODY_BYTES = 1024 * 1024;

export interface ExchangeRequest {
  step: AAuthStep;
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array | null;
  /** Which token rode in Signature-Key (for events and logs). */
  token?: 'agent' | 'person' | 'auth';
  signal: AbortSignal | undefined;
  /** How long the server may hold the request (`Prefer: wait`), added to the timeout. */
  holdMs?: number;
  /** Upper bound on the whole exchange (a consent deadline), when lower than the computed timeout. */
  maxMs?: number;
  passthrough?: RequestInit;
}

export interface Exchange {
  response: Response;
  /** The body, when the caller asked the transport to read it. */
  body: Uint8Array | undefined;
}

export interface TransportOptions {
  fetch: typeof fetch;
  now: () => number;
  requestTimeoutMs: number;
  onEvent: ((event: AAuthEvent) => void) | undefined;
  debug: DebugSink | undefined;
}

/** Reads a response body, refusing more than `limit` bytes. */
export async function readBounded(response: Response, limit: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProtocolError(`response body of ${declared} bytes exceeds ${limit}`, {
      status: response.status,
      url,
    });
  }
  if (response.body === null) return new Uint8Array(0);
  return readStreamWithLimit(response.body, {
    limit,
    tooLarge: () =>
      new ProtocolError(`response body exceeds ${limit} bytes`, { status: response.status, url }),
  });
}

/** Drops a response body we will not read, so the connection can be reused. */
export function discard(response: Response): void {
  if (response.body !== null && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}

export class Transport {
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  #emit(event: AAuthEvent): void {
    const onEvent = this.#options.onEvent;
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch {
      // An observer must never break a request.
    }
  }

  /**
   * Sends one request. With `readBody` (a byte limit) the body is read under the same timeout and
   * returned; otherwise the response is returned as soon as its headers arrived.
   */
  async send(request: ExchangeRequest, readBody: number | false): Promise<Exchange> {
    const { step, method, url, token } = request;
    const href = url.href;
    const base = token === undefined ? { step, method, url: href } : { step, method, url: href, token };
    if (request.signal?.aborted) throw abortedError(request.signal, `${step} request`);
    const computed = this.#options.requestTimeoutMs + (request.holdMs ?? 0);
    const timeoutMs = request.maxMs === undefined ? computed : Math.max(0, Math.min(computed, request.maxMs));
    const timed = timedSignal(request.signal, timeoutMs);
    const started = this.#options.now();
    this.#emit({ ...base, phase: 'request' });
    this.#options.debug?.(`→ ${method} ${href} (${step}${token === undefined ? '' : `, ${token} token`})`);
    try {
      const init: RequestInit = {
        ...request.passthrough,
        method,
        headers: request.headers,
        signal: timed.signal,
        // A signature (and the token in Signature-Key, the body with its tokens) is bound to this one
        // request: never let fetch replay it to a redirect target, which may be another origin. The 3xx
        // is handed back (resource calls return it, PS calls fail typed); 'error' stays 'error'.
        redirect: request.passthrough?.redirect === 'error' ? 'error' : 'manual',
      };
      if (request.body !== null) init.body = request.body as Uint8Array<ArrayBuffer>;
      const response = await this.#options.fetch(href, init);
      const body = readBody === false ? undefined : await readBounded(response, readBody, href);
      const durationMs = this.#options.now() - started;
      // Scrubbed: an `auth-token` requirement carries a whole resource token (observers see a prefix).
      const rawRequirement = response.headers.get(HEADER.aauthRequirement);
      const requirement = rawRequirement === null ? undefined : scrub(rawRequirement);
      this.#emit({
        ...base,
        phase: 'response',
        status: response.status,
        durationMs,
        ...(requirement === undefined ? {} : { requirement }),
      });
      this.#options.debug?.(
        `← ${response.status} ${method} ${href} ${durationMs}ms${requirement === undefined ? '' : ` aauth-requirement: ${requirement}`}${
          response.headers.has(HEADER.signatureError)
            ? ` signature-error: ${response.headers.get(HEADER.signatureError)}`
            : ''
        }`,
      );
      return { response, body };
    } catch (cause) {
      const error = this.#mapError(cause, request, timed.timedOut, timeoutMs);
      this.#emit({ ...base, phase: 'error', durationMs: this.#options.now() - started, error: error.code });
      this.#options.debug?.(`✗ ${method} ${href}: ${error.code} ${error.message}`);
      throw error;
    } finally {
      timed.dispose();
    }
  }

  #mapError(cause: unknown, request: ExchangeRequest, timedOut: boolean, timeoutMs: number): AAuthError {
    const href = request.url.href;
    if (timedOut) {
      return new TimeoutError(`${request.step} ${request.method} ${href}: no answer within ${timeoutMs} ms`, {
        cause,
      });
    }
    if (request.signal?.aborted) return abortedError(request.signal, `${request.step} request`);
    if (cause instanceof AAuthError) return cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new NetworkError(`${request.step} ${request.method} ${href} failed: ${message}`, href, { cause });
  }
}
