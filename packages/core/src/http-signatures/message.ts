/**
 * Normalizes a request (WHATWG `Request` or `HttpRequestLike`) into the values RFC 9421 derived
 * components and header components are computed from. Signer and verifier share this code so both
 * sides derive `@authority`, `@path`, `@query` and header values identically.
 */
import { InvalidArgumentError } from '../errors.js';
import { utf8 } from '../util/base64.js';
import type { HeadersLike, HttpRequestLike } from './types.js';

export interface NormalizeOptions {
  /** Canonical `host[:port]` to use for `@authority` instead of the URL's (verifiers behind proxies). */
  authority?: string;
}

/** Methods the Fetch standard uppercases (fetch sends `post` as `POST`); any other method is kept as is. */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** `@method` as it goes on the wire: RFC 9421 §2.2.1 does not case-fold, fetch uppercases six methods. */
export function normalizeMethod(method: string): string {
  if (typeof method !== 'string' || method.length === 0) {
    throw new InvalidArgumentError('request method must be a non-empty string');
  }
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/** Case-insensitive header access over `Headers` or a node-style object, computed lazily. */
export class HeaderView {
  readonly #headers: HeadersLike;
  readonly #overrides: ReadonlyMap<string, string> | undefined;
  #lowercased: Map<string, string> | undefined;

  /**
   * `overrides` (lowercase names) replace fields of `headers`: the signer's own headers-to-be.
   * `lowercased` is an already-built index of a plain-object `headers`, shared by `withOverrides`.
   */
  constructor(
    headers: HeadersLike | undefined | null,
    overrides?: ReadonlyMap<string, string>,
    lowercased?: Map<string, string>,
  ) {
    this.#headers = headers ?? {};
    this.#overrides = overrides;
    this.#lowercased = lowercased;
  }

  /**
   * The RFC 9421 §2.1 field value for a lowercase field name: each line trimmed, several lines joined
   * with `, `. `undefined` when the field is absent.
   */
  get(name: string): string | undefined {
    if (this.#overrides !== undefined) {
      const override = this.#overrides.get(name);
      if (override !== undefined) return override;
    }
    const headers = this.#headers;
    if (isFetchHeaders(headers)) {
      // Headers already trims each value and joins repeated fields with ", ".
      return headers.get(name) ?? undefined;
    }
    if (this.#lowercased === undefined) this.#lowercased = lowercaseHeaders(headers);
    return this.#lowercased.get(name);
  }

  /** A view of the same fields with `overrides` (lowercase names) taking precedence. */
  withOverrides(overrides: ReadonlyMap<string, string>): HeaderView {
    return new HeaderView(this.#headers, overrides, this.#lowercased);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Duck-typed so a `Headers` from another realm or polyfill works; plain-object values are never functions. */
function isFetchHeaders(headers: HeadersLike): headers is Headers {
  return typeof (headers as { get?: unknown }).get === 'function';
}

function fieldValue(name: string, value: string | readonly string[] | number): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(`header "${name}" must be a string, a number or an array of strings`);
  }
  if (value.length === 0) return undefined;
  if (value.length === 1) return String(value[0]).trim();
  return value.map((line) => String(line).trim()).join(', ');
}

function lowercaseHeaders(headers: Exclude<HeadersLike, Headers>): Map<string, string> {
  const map = new Map<string, string>();
  for (const key of Object.keys(headers)) {
    const raw = headers[key];
    if (raw === undefined || raw === null) continue;
    const value = fieldValue(key, raw);
    if (value === undefined) continue;
    const name = key.toLowerCase();
    const previous = map.get(name);
    // Two spellings of one field ("Content-Type" and "content-type") are two lines of that field.
    map.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return map;
}

/** The fields of a NormalizedMessage. */
export interface NormalizedMessageInit {
  method: string;
  authority: string;
  scheme: string;
  path: string;
  query: string | undefined;
  targetUri: string;
  headers: HeaderView;
  body: Uint8Array | undefined;
}

/** A request reduced to what signature components are computed from. Immutable once built. */
export class NormalizedMessage {
  /** `@method`, as sent. */
  readonly method: string;
  /** RFC 9421 §2.2.3: lowercase host, port only when not the scheme's default. */
  readonly authority: string;
  readonly scheme: string;
  /** RFC 9421 §2.2.6: never empty (`/` at least). */
  readonly path: string;
  /** RFC 9421 §2.2.7 value (`?` + query) when the URL has a non-empty query, else `undefined`. */
  readonly query: string | undefined;
  readonly targetUri: string;
  readonly headers: HeaderView;
  /** Body bytes; `undefined` when there is no body or it is empty. */
  readonly body: Uint8Array | undefined;

  constructor(init: NormalizedMessageInit) {
    this.method = init.method;
    this.authority = init.authority;
    this.scheme = init.scheme;
    this.path = init.path;
    this.query = init.query;
    this.targetUri = init.targetUri;
    this.headers = init.headers;
    this.body = init.body;
  }

  static fromParts(
    method: string,
    url: URL,
    headers: HeaderView,
    body: Uint8Array | undefined,
    authority?: string,
  ): NormalizedMessage {
    return new NormalizedMessage({
      method: normalizeMethod(method),
      // WHATWG URL already lowercases the host and drops a default port, which is exactly §2.2.3.
      authority: authority === undefined ? url.host : authority.toLowerCase(),
      scheme: url.protocol.slice(0, -1),
      path: url.pathname === '' ? '/' : url.pathname,
      query: url.search === '' ? undefined : url.search,
      targetUri: url.href,
      headers,
      body,
    });
  }

  /** A copy whose header view sees `overrides` (lowercase names) in place of the request's fields. */
  withHeaderOverrides(overrides: ReadonlyMap<string, string>): NormalizedMessage {
    // Written out: V8 builds a spread literal (`{ ...this, headers }`) several times slower.
    return new NormalizedMessage({
      method: this.method,
      authority: this.authority,
      scheme: this.scheme,
      path: this.path,
      query: this.query,
      targetUri: this.targetUri,
      headers: this.headers.withOverrides(overrides),
      body: this.body,
    });
  }

  /** The header component value for a lowercase field name, or `undefined` when absent. */
  header(name: string): string | undefined {
    return this.headers.get(name);
  }

  /** `@request-target` (RFC 9421 §2.2.5): path plus query. */
  get requestTarget(): string {
    return this.query === undefined ? this.path : this.path + this.query;
  }
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  if (typeof url !== 'string') throw new InvalidArgumentError('request url must be a string or URL');
  try {
    return new URL(url);
  } catch (cause) {
    throw new InvalidArgumentError(`request url is not an absolute URL: ${url}`, { cause });
  }
}

function toBodyBytes(body: Uint8Array | string | null | undefined): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = utf8(body);
  else if (body instanceof Uint8Array) bytes = body;
  else throw new InvalidArgumentError('request body must be a Uint8Array, a string, null or undefined');
  return bytes.byteLength === 0 ? undefined : bytes;
}

/** Normalizes an `HttpRequestLike` synchronously. */
export function normalizeRequestLike(
  message: HttpRequestLike,
  options?: NormalizeOptions,
): NormalizedMessage {
  if (typeof message !== 'object' || message === null) {
    throw new InvalidArgumentError('request must be an object');
  }
  return NormalizedMessage.fromParts(
    message.method,
    toUrl(message.url),
    new HeaderView(message.headers),
    toBodyBytes(message.body),
    options?.authority,
  );
}

/** Normalizes a WHATWG `Request` (its body is read from a clone, so the request stays usable). */
export async function normalizeFetchRequest(
  request: Request,
  options?: NormalizeOptions,
): Promise<NormalizedMessage> {
  let body: Uint8Array | undefined;
  if (request.body !== null) {
    if (request.bodyUsed) throw new InvalidArgumentError('request body has already been read');
    body = toBodyBytes(new Uint8Array(await request.clone().arrayBuffer()));
  }
  return NormalizedMessage.fromParts(
    request.method,
    toUrl(request.url),
    new HeaderView(request.headers),
    body,
    options?.authority,
  );
}

/** Normalizes either input form. */
export function normalizeMessage(
  message: Request | HttpRequestLike | NormalizedMessage,
  options?: NormalizeOptions,
): NormalizedMessage | Promise<NormalizedMessage> {
  if (message instanceof NormalizedMessage) return message;
  if (typeof Request === 'function' && message instanceof Request)
    return normalizeFetchRequest(message, options);
  return normalizeRequestLike(message as HttpRequestLike, options);
}
