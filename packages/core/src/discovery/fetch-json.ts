/**
 * The one outbound HTTP primitive of discovery: admitted, bounded in time and size, redirect-checked
 * GET of a JSON document.
 */
import { SIGNATURE_ERROR_CODE } from '../constants.js';
import {
  AAuthError,
  AbortedError,
  DiscoveryError,
  EgressDeniedError,
  NetworkError,
  TimeoutError,
} from '../errors.js';
import { type AdmittedUrl, admitUrl, type EgressPolicy, STRICT_EGRESS } from './egress.js';
import { pinnedGet, type TransportResponse } from './pinned-transport.js';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BYTES = 256 * 1024;
export const MAX_REDIRECTS = 3;

export interface FetchJsonOptions {
  /**
   * Custom transport. The injector owns it, including DNS: admission still runs per hop, but the
   * connection is not pinned to the admitted addresses. Without it, requests go over node:https
   * connected to exactly the addresses admission vetted (no DNS rebinding window).
   */
  fetch?: typeof fetch;
  egress?: EgressPolicy;
  /** Bound on the whole exchange: admission, redirects and body (default 5000 ms). */
  timeoutMs?: number;
  /** Bound on the body size in bytes (default 256 KiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** What the response said about caching (RFC 9111 §5.2.2; `Expires` folded into `maxAgeSeconds`). */
export interface CacheDirectives {
  noStore: boolean;
  /** Seconds the response may be reused; undefined when the response did not say. */
  maxAgeSeconds: number | undefined;
}

export interface FetchJsonResult {
  body: unknown;
  cacheControl: CacheDirectives;
  /** The URL the body came from (after same-origin redirects). */
  url: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Parses the directives discovery cares about; unknown directives are ignored. */
export function parseCacheDirectives(
  cacheControl: string | null,
  expires: string | null,
  date: string | null,
): CacheDirectives {
  let noStore = false;
  let maxAgeSeconds: number | undefined;
  if (cacheControl) {
    for (const part of cacheControl.split(',')) {
      const [rawName, rawValue] = part.split('=', 2);
      const name = rawName?.trim().toLowerCase();
      if (name === 'no-store') noStore = true;
      else if (name === 'no-cache')
        maxAgeSeconds = 0; // revalidate every time = not fresh
      else if (name === 'max-age' && rawValue !== undefined && maxAgeSeconds === undefined) {
        const value = rawValue.trim().replace(/^"(.*)"$/, '$1');
        if (/^\d+$/.test(value)) maxAgeSeconds = Number(value);
      }
    }
  }
  if (maxAgeSeconds === undefined && expires) {
    const expiresAt = Date.parse(expires);
    const base = date ? Date.parse(date) : Number.NaN;
    // Expires is judged against the response's own Date when present (clock-independent).
    const reference = Number.isNaN(base) ? Date.now() : base;
    maxAgeSeconds = Number.isNaN(expiresAt) ? 0 : Math.max(0, Math.floor((expiresAt - reference) / 1000));
  }
  return { noStore, maxAgeSeconds };
}

async function readBounded(response: TransportResponse, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new EgressDeniedError(url, `response declares ${declared} bytes, more than ${maxBytes}`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new EgressDeniedError(url, `response body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array, url: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new DiscoveryError(SIGNATURE_ERROR_CODE.unknownKey, 'response is not valid JSON', url, { cause });
  }
}

/** Maps an abort to the error the caller should see: its own abort, or our timeout. */
function abortError(callerSignal: AbortSignal | undefined, timeoutMs: number, url: string, cause: unknown) {
  if (callerSignal?.aborted) return new AbortedError(`fetch of ${url} was aborted`, { cause });
  return new TimeoutError(`fetch of ${url} took longer than ${timeoutMs} ms`, { cause });
}

type Transport = (admitted: AdmittedUrl, signal: AbortSignal) => Promise<TransportResponse>;

const ACCEPT_JSON = Object.freeze({ accept: 'application/json' });

function injectedTransport(doFetch: typeof fetch): Transport {
  return (admitted, signal) =>
    doFetch(admitted.url.href, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: ACCEPT_JSON,
    });
}

const pinnedTransport: Transport = (admitted, signal) =>
  pinnedGet(admitted, { signal, headers: ACCEPT_JSON });

/**
 * GET a JSON document. Admission runs before every hop; redirects are followed manually, at most
 * three, and only within the same origin. Errors: EgressDeniedError (admission, redirect, size),
 * TimeoutError, AbortedError, NetworkError (transport), DiscoveryError (status, JSON).
 */
export async function fetchJson(url: string, options: FetchJsonOptions = {}): Promise<FetchJsonResult> {
  const transport = options.fetch ? injectedTransport(options.fetch) : pinnedTransport;
  const egress = options.egress ?? STRICT_EGRESS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const admission = await admitUrl(current, egress, signal);
      const admitted = admission.url;
      let response: TransportResponse;
      try {
        response = await transport(admission, signal);
      } catch (cause) {
        if (signal.aborted || cause instanceof NetworkError) throw cause;
        throw new NetworkError(`fetch of ${admitted.href} failed`, admitted.href, { cause });
      }
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (!location) {
          throw new DiscoveryError(
            SIGNATURE_ERROR_CODE.unknownKey,
            'redirect without Location',
            admitted.href,
          );
        }
        if (hop >= MAX_REDIRECTS) throw new EgressDeniedError(admitted.href, 'too many redirects');
        const next = new URL(location, admitted);
        if (next.origin !== admitted.origin) {
          throw new EgressDeniedError(next.href, `cross-origin redirect from ${admitted.origin} refused`);
        }
        current = next.href;
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new DiscoveryError(
          SIGNATURE_ERROR_CODE.unknownKey,
          `unexpected HTTP status ${response.status}`,
          admitted.href,
        );
      }
      const bytes = await readBounded(response, maxBytes, admitted.href);
      const h = response.headers;
      return {
        body: parseJson(bytes, admitted.href),
        cacheControl: parseCacheDirectives(h.get('cache-control'), h.get('expires'), h.get('date')),
        url: admitted.href,
      };
    }
  } catch (error) {
    if (error instanceof EgressDeniedError || error instanceof DiscoveryError) throw error;
    if (signal.aborted) throw abortError(options.signal, timeoutMs, current, error);
    if (error instanceof AAuthError) throw error;
    // A body stream that breaks mid-read surfaces here as a plain TypeError.
    throw new NetworkError(`fetch of ${current} failed`, current, { cause: error });
  }
}
