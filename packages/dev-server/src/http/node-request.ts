/**
 * Adapts node:http requests for the core verifier and for fetch handlers. The request URL is rebuilt
 * from the role's configured server identifier, never from the Host header, so `@authority` is the
 * canonical one even when the identifier differs from the listen address (P11 §11 Q6/Q8).
 */
import type { IncomingMessage } from 'node:http';
import type { HttpRequestLike } from '@aauth-kit/core';
import { PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';

/** Path and query of the request target (origin-form, or the path of an absolute-form target). */
export function requestTarget(req: IncomingMessage): { pathname: string; search: string } {
  const raw = req.url ?? '/';
  let url: URL;
  try {
    url = new URL(raw, 'http://target.invalid');
  } catch (cause) {
    throw new HttpProblemError(400, PROBLEM_CODE.invalidRequest, 'the request target is not a valid URL', {
      cause,
    });
  }
  return { pathname: url.pathname, search: url.search };
}

/** The absolute URL of the request under `origin` (the role's server identifier). */
export function canonicalUrl(req: IncomingMessage, origin: string): string {
  const { pathname, search } = requestTarget(req);
  return `${origin}${pathname}${search}`;
}

export function toHttpRequestLike(req: IncomingMessage, origin: string, body: Uint8Array): HttpRequestLike {
  return {
    method: req.method ?? 'GET',
    url: canonicalUrl(req, origin),
    headers: req.headers,
    body: body.byteLength === 0 ? undefined : body,
  };
}

/** A WHATWG Request for fetch-style handlers (the sample resource), with the canonical URL. */
export function toFetchRequest(
  req: IncomingMessage,
  origin: string,
  body: Uint8Array,
  signal?: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const line of value) headers.append(name, line);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = body.byteLength > 0 && method !== 'GET' && method !== 'HEAD';
  return new Request(canonicalUrl(req, origin), {
    method,
    headers,
    ...(hasBody ? { body: new Uint8Array(body) } : {}),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** The client address, for per-IP rate limits. */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
