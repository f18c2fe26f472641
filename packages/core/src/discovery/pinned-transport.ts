/**
 * Default discovery transport: a GET over node:https (node:http for the development profile) whose
 * socket connects to the addresses admission vetted, never to a fresh DNS answer. This closes the
 * DNS-rebinding gap of global `fetch` (which resolves again): the host name still drives SNI, the
 * Host header and certificate verification; only the connect target is pinned.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { NetworkError } from '../errors.js';
import type { AdmittedUrl, ResolvedAddress } from './egress.js';

/** The part of a response discovery reads; a WHATWG `Response` satisfies it too. */
export interface TransportResponse {
  status: number;
  headers: Headers;
  body: globalThis.ReadableStream<Uint8Array> | null;
}

export interface PinnedGetOptions {
  signal: AbortSignal;
  headers: Record<string, string>;
  /** Extra trust anchors (PEM); tests and private CAs only, public CAs are trusted by default. */
  ca?: string | readonly string[];
}

/**
 * Answers every lookup with the admitted addresses. Node asks with `all: true` when it races
 * families (autoSelectFamily) and for a single address otherwise; a requested family filters.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const matching = family ? addresses.filter((a) => a.family === family) : addresses;
    const first = matching[0];
    if (!first) {
      const error = Object.assign(new Error(`no admitted address for ${hostname}`), { code: 'ENOTFOUND' });
      callback(error, '', 0);
      return;
    }
    if (options.all) {
      // The callback type is the single-address form; node accepts the list when `all` is set.
      (callback as unknown as (err: null, list: readonly ResolvedAddress[]) => void)(null, matching);
      return;
    }
    callback(null, first.address, first.family);
  };
}

function toHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    // A header the WHATWG class rejects (invalid bytes) is dropped, not fatal: discovery reads few.
    if (name !== undefined && value !== undefined) {
      try {
        headers.append(name, value);
      } catch {
        // ignored on purpose, see above
      }
    }
  }
  return headers;
}

/**
 * GETs `admitted.url`, connecting only to `admitted.addresses` (system DNS when admission pinned
 * nothing: development loopback hosts and allow-listed IP literals). Rejects with the signal's
 * reason on abort and with `NetworkError` on transport failure; the body stream errors likewise.
 */
export function pinnedGet(admitted: AdmittedUrl, options: PinnedGetOptions): Promise<TransportResponse> {
  const { url, addresses } = admitted;
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<TransportResponse>((resolve, reject) => {
    let settled = false;
    const req = request(url, {
      method: 'GET',
      headers: options.headers,
      // No shared agent: a pooled socket is keyed by host, not by the address it was pinned to.
      agent: false,
      ...(addresses.length > 0 ? { lookup: pinnedLookup(addresses) } : {}),
      ...(options.ca !== undefined && url.protocol === 'https:' ? { ca: options.ca as string[] } : {}),
    });
    let response: IncomingMessage | undefined;
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      req.destroy(reason instanceof Error ? reason : undefined);
      response?.destroy(reason instanceof Error ? reason : undefined);
      if (!settled) {
        settled = true;
        reject(reason);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => signal.removeEventListener('abort', onAbort);
    req.on('error', (cause) => {
      cleanup();
      if (settled) return;
      settled = true;
      reject(new NetworkError(`request to ${url.href} failed`, url.href, { cause }));
    });
    req.on('response', (res) => {
      response = res;
      res.on('close', cleanup);
      settled = true;
      resolve({
        status: res.statusCode ?? 0,
        headers: toHeaders(res),
        body: Readable.toWeb(res) as ReadableStream<Uint8Array> as globalThis.ReadableStream<Uint8Array>,
      });
    });
    req.end();
  });
}
