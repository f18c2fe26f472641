/**
 * node:http glue: turn an `IncomingMessage` into a WHATWG `Request` (reading the body within a limit),
 * verify it, and write a WHATWG `Response` back to a `ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { concatBytes, InvalidArgumentError, NetworkError } from '@aauth-kit/core';
import { checkDeclaredLength } from '../body.js';
import { PROBLEM_CODE } from '../constants.js';
import { PayloadTooLargeError } from '../errors.js';
import { problemResponse } from '../responses.js';
import type { Resource, RouteRequirement, VerifyOptions, VerifyOutcome } from '../types.js';

export interface ToWebRequestOptions {
  /** The body bytes when already read; otherwise the stream is read (up to `maxBodyBytes`). */
  body?: Uint8Array | null;
  /** Largest body read from the stream (default 1 MiB). */
  maxBodyBytes?: number;
  /** The request target to use instead of `req.url` (express: `req.originalUrl` under mounted routers). */
  path?: string;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** Whether the message announces a body (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export function announcesBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Read the request stream up to `limit` bytes. Over the limit, reading stops and the rest of the body is
 * discarded as it arrives (the stream keeps flowing with no listener), so a 413 can still be written.
 */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    try {
      checkDeclaredLength(req.headers['content-length'], limit);
    } catch (error) {
      req.resume();
      reject(error);
      return;
    }
    if (req.readableEnded) {
      reject(new InvalidArgumentError('the request body was already consumed by another middleware'));
      return;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer | string): void {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += bytes.byteLength;
      if (total > limit) {
        cleanup();
        req.resume();
        reject(new PayloadTooLargeError(limit, `request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(bytes);
    }
    function onEnd(): void {
      cleanup();
      resolve(concatBytes(chunks, total));
    }
    function onError(cause: Error): void {
      cleanup();
      reject(new NetworkError('reading the request body failed', undefined, { cause }));
    }
    function onClose(): void {
      cleanup();
      reject(new NetworkError('the client closed the connection before the body was complete'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The last Host seen and its origin: a server sees the same Host on nearly every request. */
let lastOrigin: { scheme: string; host: string | undefined; origin: string } | undefined;

function requestOrigin(scheme: string, host: string | undefined): string {
  if (lastOrigin !== undefined && lastOrigin.scheme === scheme && lastOrigin.host === host) {
    return lastOrigin.origin;
  }
  let origin = `${scheme}://localhost`;
  if (host !== undefined) {
    try {
      origin = new URL(`${scheme}://${host}`).origin;
    } catch {
      // keep the placeholder origin
    }
  }
  lastOrigin = { scheme, host, origin };
  return origin;
}

function requestUrl(req: IncomingMessage, path: string | undefined): URL {
  const scheme = (req.socket as TLSSocket | undefined)?.encrypted === true ? 'https' : 'http';
  // Only the path and query matter to verification: @authority comes from the resource's configured
  // authority, never from Host. A Host that is not a valid authority is replaced, not trusted.
  const base = requestOrigin(scheme, req.headers.host);
  try {
    return new URL(path ?? req.url ?? '/', base);
  } catch (cause) {
    throw new InvalidArgumentError('the request target is not a valid URL', { cause });
  }
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A value undici refuses cannot be covered by a signature either; dropping it changes nothing.
    }
  }
  return headers;
}

interface ReadRequest {
  request: Request;
  body: Uint8Array | null;
}

async function readWebRequest(req: IncomingMessage, options: ToWebRequestOptions): Promise<ReadRequest> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, options.path);
  const headers = toHeaders(req);
  let body: Uint8Array | null = null;
  if (!BODYLESS_METHODS.has(method)) {
    if (options.body !== undefined) body = options.body;
    else if (announcesBody(req))
      body = await readNodeBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  }
  if (body !== null && body.byteLength === 0) body = null;
  // Node's buffers are ArrayBuffer-backed (never shared), which is what BodyInit wants.
  const init: RequestInit =
    body === null ? { method, headers } : { method, headers, body: body as Uint8Array<ArrayBuffer> };
  const request = new Request(url, init);
  return { request, body };
}

/** Convert a node:http request to a WHATWG Request, reading its body (bounded) unless `options.body` is given. */
export async function toWebRequest(
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
): Promise<Request> {
  return (await readWebRequest(req, options)).request;
}

/** A verification outcome plus the body bytes that were read (the stream itself is consumed). */
export type NodeVerifyOutcome = VerifyOutcome & { body: Uint8Array | null };

function payloadTooLarge(error: PayloadTooLargeError): NodeVerifyOutcome {
  return {
    ok: false,
    status: 413,
    response: problemResponse(413, PROBLEM_CODE.payloadTooLarge, error.message),
    error,
    body: null,
  };
}

/** Verify a node:http request against `route` (body limit: `resource.maxBodyBytes`). */
export async function verifyNodeRequest(
  resource: Resource,
  req: IncomingMessage,
  route: RouteRequirement,
  options: VerifyOptions & { body?: Uint8Array | null; path?: string } = {},
): Promise<NodeVerifyOutcome> {
  let read: ReadRequest;
  try {
    const readOptions: ToWebRequestOptions = { maxBodyBytes: resource.maxBodyBytes };
    if (options.body !== undefined) readOptions.body = options.body;
    if (options.path !== undefined) readOptions.path = options.path;
    read = await readWebRequest(req, readOptions);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return payloadTooLarge(error);
    throw error;
  }
  const outcome = await resource.verify(
    read.request,
    route,
    options.signal === undefined ? {} : { signal: options.signal },
  );
  return { ...outcome, body: read.body };
}

/**
 * Write a WHATWG Response to a node:http ServerResponse. A 413 also closes the connection: the rest of
 * the oversized body is never read.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.status === 413) res.setHeader('connection', 'close');
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
  } finally {
    reader.releaseLock();
  }
  res.end();
}
