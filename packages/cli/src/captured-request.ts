/**
 * A captured signed request, as `verify` reads it: JSON `{ method, url, headers, body?, bodyBase64? }`
 * (headers as an object of strings / string arrays, or as [name, value] pairs), or raw HTTP/1.1 text
 * (request line, header lines, blank line, body delimited by Content-Length or chunked coding).
 * The body stays raw bytes so a covered Content-Digest is checked against exactly what was sent.
 */
import type { HttpRequestLike } from '@aauth-kit/core';
import { UsageError } from './errors.js';

const FORMAT_HINT =
  'give JSON {"method","url","headers","body"?} or raw HTTP/1.1 text ("POST /path HTTP/1.1", headers, blank line, body)';

const WHITESPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function invalid(message: string): UsageError {
  return new UsageError(`captured request: ${message}`, FORMAT_HINT);
}

type HeaderMap = Record<string, string[]>;

function addHeader(headers: HeaderMap, name: string, value: string): void {
  if (!TOKEN.test(name)) throw invalid(`${JSON.stringify(name)} is not a header name`);
  const key = name.toLowerCase();
  const values = headers[key];
  if (values === undefined) headers[key] = [value];
  else values.push(value);
}

function absoluteUrl(value: unknown): string {
  if (typeof value !== 'string') throw invalid('"url" must be a string');
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid(`"url" must be http(s), got ${url.protocol}`);
    return url.href;
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw invalid(`"url" must be an absolute URL, got ${JSON.stringify(value)}`);
  }
}

function jsonHeaders(value: unknown): HeaderMap {
  const headers: HeaderMap = {};
  if (Array.isArray(value)) {
    for (const pair of value) {
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string'
      ) {
        throw invalid('"headers" pairs must be [name, value] strings');
      }
      addHeader(headers, pair[0], pair[1]);
    }
    return headers;
  }
  if (typeof value !== 'object' || value === null)
    throw invalid('"headers" must be an object or [name, value] pairs');
  for (const [name, raw] of Object.entries(value)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const item of values) {
      if (typeof item !== 'string')
        throw invalid(`header ${JSON.stringify(name)} must be a string or strings`);
      addHeader(headers, name, item);
    }
  }
  return headers;
}

function jsonBody(record: Record<string, unknown>): Uint8Array | null {
  const { body, bodyBase64 } = record;
  if (body !== undefined && body !== null && bodyBase64 !== undefined)
    throw invalid('give "body" or "bodyBase64", not both');
  if (typeof bodyBase64 === 'string') return new Uint8Array(Buffer.from(bodyBase64, 'base64'));
  if (bodyBase64 !== undefined) throw invalid('"bodyBase64" must be a string');
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  // A JSON value: re-serialized compactly (only right when that is how it was sent).
  return new TextEncoder().encode(JSON.stringify(body));
}

function fromJson(text: string): HttpRequestLike {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('the JSON does not parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('JSON must be an object');
  const record = parsed as Record<string, unknown>;
  if (typeof record.method !== 'string' || !TOKEN.test(record.method))
    throw invalid('"method" must be an HTTP method');
  return {
    method: record.method.toUpperCase(),
    url: absoluteUrl(record.url),
    headers: jsonHeaders(record.headers ?? {}),
    body: jsonBody(record),
  };
}

/** Index of the blank line ending the head, and the length of that line break pair. */
function headEnd(bytes: Uint8Array): { index: number; separator: number } | undefined {
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) return { index: i, separator: 2 };
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a && bytes[i + 2] === 0x0d && bytes[i + 3] === 0x0a) {
      return { index: i, separator: 4 };
    }
  }
  return undefined;
}

function decodeChunked(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf(0x0a, offset);
    if (lineEnd < 0) throw invalid('chunked body ends before its last chunk');
    const sizeText = Buffer.from(bytes.subarray(offset, lineEnd)).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw invalid(`bad chunk size ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    offset = lineEnd + 1;
    if (size === 0) break;
    if (offset + size > bytes.length) throw invalid('a chunk is shorter than its size');
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
    if (bytes[offset] === 0x0d) offset += 1;
    if (bytes[offset] === 0x0a) offset += 1;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function rawBody(rest: Uint8Array, headers: HeaderMap): Uint8Array | null {
  const transferEncoding = headers['transfer-encoding']?.join(',').toLowerCase();
  if (transferEncoding !== undefined) {
    if (transferEncoding.trim() !== 'chunked')
      throw invalid(`Transfer-Encoding ${transferEncoding} is not supported`);
    return decodeChunked(rest);
  }
  const contentLength = headers['content-length'];
  if (contentLength !== undefined) {
    const length = Number(contentLength[0]);
    if (contentLength.length !== 1 || !Number.isInteger(length) || length < 0)
      throw invalid('bad Content-Length');
    if (rest.length < length)
      throw invalid(`the body is shorter (${rest.length} bytes) than its Content-Length (${length})`);
    return length === 0 ? null : rest.subarray(0, length);
  }
  return rest.length === 0 ? null : rest;
}

function fromHttp(bytes: Uint8Array, scheme: 'http' | 'https'): HttpRequestLike {
  const end = headEnd(bytes);
  const head = Buffer.from(end === undefined ? bytes : bytes.subarray(0, end.index)).toString('latin1');
  const rest = end === undefined ? new Uint8Array(0) : bytes.subarray(end.index + end.separator);
  const lines = head.split(/\r?\n/);
  const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!requestLine)
    throw invalid(`the first line is not "METHOD target HTTP/1.1": ${JSON.stringify(lines[0] ?? '')}`);
  const headers: HeaderMap = {};
  let last: string | undefined;
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      // obs-fold: a continuation of the previous header value.
      const values = headers[last]!;
      values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalid(`${JSON.stringify(line)} is not a "Name: value" header line`);
    const name = line.slice(0, colon);
    addHeader(headers, name, line.slice(colon + 1).trim());
    last = name.toLowerCase();
  }
  const target = requestLine[2]!;
  let url: string;
  if (target.startsWith('/')) {
    const host = headers.host?.[0];
    if (host === undefined) throw invalid('an origin-form target needs a Host header');
    url = absoluteUrl(`${scheme}://${host}${target}`);
  } else {
    url = absoluteUrl(target);
  }
  return { method: requestLine[1]!.toUpperCase(), url, headers, body: rawBody(rest, headers) };
}

/** Parses a captured request (JSON or raw HTTP/1.1); a UsageError describing the expected shapes otherwise. */
export function parseCapturedRequest(
  bytes: Uint8Array,
  options: { scheme?: 'http' | 'https' } = {},
): HttpRequestLike {
  // Leading whitespace (blank lines before a request line, RFC 9112 §2.2) is skipped.
  let start = 0;
  while (start < bytes.length && WHITESPACE.has(bytes[start]!)) start += 1;
  if (start === bytes.length) throw invalid('it is empty');
  if (bytes[start] === 0x7b /* { */) return fromJson(new TextDecoder().decode(bytes));
  return fromHttp(bytes.subarray(start), options.scheme ?? 'https');
}
