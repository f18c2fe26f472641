/**
 * Turns fetch arguments into a request the client can sign and re-send: method, absolute URL, headers
 * (including the `content-type` fetch would add, since it is signed) and the body buffered once.
 * Streams are read up to `maxBodyBytes`; a longer body is a ProtocolError (it could not be re-sent after
 * a challenge).
 */

import { InvalidArgumentError } from '../errors.js';
import { readStreamWithLimit } from '../util/read-stream.js';
import { ProtocolError } from './errors.js';
import { abortedError } from './timers.js';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface OutgoingRequest {
  method: string;
  url: URL;
  /** Caller headers (never mutated by the client; each attempt copies them). */
  headers: Headers;
  /** Exact body bytes, or null. */
  body: Uint8Array | null;
  signal: AbortSignal | undefined;
  /** Fetch options passed through unchanged (redirect, credentials, cache, ...). */
  passthrough: RequestInit;
  /** Consent mode for this call when it differs from the client's (`client.withConsent`). */
  consent?: 'wait' | 'throw';
}

/** Fetch options the client does not interpret but must hand to the transport. */
const PASSTHROUGH_KEYS = [
  'cache',
  'credentials',
  'integrity',
  'keepalive',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
  'priority',
  'dispatcher',
] as const;

function isReadableStream(value: unknown): value is ReadableStream {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;
}

function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  signal: AbortSignal | undefined,
  url: string,
): Promise<Uint8Array> {
  return readStreamWithLimit(stream, {
    limit,
    tooLarge: () =>
      new ProtocolError(
        `request body exceeds ${limit} bytes; the client must buffer bodies to re-send them after a challenge`,
        { url },
      ),
    ...(signal === undefined
      ? {}
      : { signal, aborted: () => abortedError(signal, 'reading the request body') }),
  });
}

const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

function passthroughOf(init: RequestInit | undefined): RequestInit {
  const passthrough: RequestInit = {};
  if (init !== undefined) {
    const source = init as Record<string, unknown>;
    const target = passthrough as Record<string, unknown>;
    for (const key of PASSTHROUGH_KEYS) if (source[key] !== undefined) target[key] = source[key];
  }
  return passthrough;
}

/**
 * The common case without building a WHATWG Request (which costs ~10x more): a string or URL input
 * and no body, a string body or bytes. Anything unusual returns undefined and takes the general path,
 * which also produces the errors fetch would.
 */
function fastPath(
  input: string | URL | Request,
  init: RequestInit | undefined,
  maxBodyBytes: number,
): OutgoingRequest | undefined {
  if (typeof input !== 'string' && !(input instanceof URL)) return undefined;
  const body = init?.body;
  const isBytes = body instanceof Uint8Array || body instanceof ArrayBuffer;
  if (!(body === undefined || body === null || typeof body === 'string' || isBytes)) return undefined;
  if (!URL.canParse(input)) return undefined;
  const url = new URL(input);
  if (url.username !== '' || url.password !== '') return undefined;
  const given = init?.method ?? 'GET';
  if (typeof given !== 'string' || !METHOD_TOKEN.test(given)) return undefined;
  const upper = given.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) return undefined;
  const method = NORMALIZED_METHODS.has(upper) ? upper : given;
  const hasBody = body !== undefined && body !== null;
  if (hasBody && (method === 'GET' || method === 'HEAD')) return undefined;
  let headers: Headers;
  try {
    headers = new Headers(init?.headers);
  } catch {
    return undefined;
  }
  let bytes: Uint8Array | null = null;
  if (typeof body === 'string') {
    bytes = new TextEncoder().encode(body);
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  } else if (body instanceof Uint8Array) {
    // A copy: the caller may reuse its buffer while the client still re-sends after a challenge.
    bytes = body.slice();
  } else if (body instanceof ArrayBuffer) {
    bytes = new Uint8Array(body.slice(0));
  }
  if (bytes !== null && bytes.byteLength > maxBodyBytes) {
    throw new ProtocolError(
      `request body exceeds ${maxBodyBytes} bytes; the client must buffer bodies to re-send them after a challenge`,
      { url: url.href },
    );
  }
  return {
    method,
    url,
    headers,
    body: bytes,
    signal: init?.signal ?? undefined,
    passthrough: passthroughOf(init),
  };
}

/** Normalizes `fetch(input, init)` arguments. Invalid combinations are InvalidArgumentError. */
export async function prepareOutgoing(
  input: string | URL | Request,
  init: RequestInit | undefined,
  maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<OutgoingRequest> {
  const fast = fastPath(input, init, maxBodyBytes);
  if (fast !== undefined) return fast;
  let request: Request;
  try {
    // `duplex` is required by Node for stream bodies; fetch callers routinely forget it.
    const needsDuplex = init !== undefined && isReadableStream(init.body) && !('duplex' in init);
    request = new Request(input, needsDuplex ? ({ ...init, duplex: 'half' } as RequestInit) : init);
  } catch (cause) {
    throw new InvalidArgumentError(
      `invalid request: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const url = new URL(request.url);
  const passthrough = passthroughOf(init);
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
  const body = request.body === null ? null : await readLimited(request.body, maxBodyBytes, signal, url.href);
  return { method: request.method, url, headers: new Headers(request.headers), body, signal, passthrough };
}
