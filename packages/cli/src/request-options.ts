/**
 * The curl-like request options of `fetch`: `-X METHOD`, `-H 'Name: value'` (repeatable) and
 * `-d <json> | @file | @-`, turned into what the agent client sends.
 */
import { UsageError } from './errors.js';
import { readInput } from './input.js';

export interface RequestOptionsInput {
  method?: string;
  headers?: readonly string[];
  data?: string;
}

export interface OutgoingRequest {
  method: string;
  headers: Headers;
  body?: Uint8Array<ArrayBuffer>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name: value` → [name, value]; a UsageError for anything else. */
export function parseHeaderOption(option: string): [string, string] {
  const colon = option.indexOf(':');
  const name = colon < 0 ? '' : option.slice(0, colon).trim();
  if (!TOKEN.test(name)) {
    throw new UsageError(
      `-H ${JSON.stringify(option)} is not "Name: value"`,
      "e.g. -H 'Accept: application/json'",
    );
  }
  return [name, option.slice(colon + 1).trim()];
}

export async function buildRequest(
  input: RequestOptionsInput,
  stdin: AsyncIterable<string | Uint8Array>,
): Promise<OutgoingRequest> {
  const headers = new Headers();
  for (const option of input.headers ?? []) {
    const [name, value] = parseHeaderOption(option);
    try {
      headers.append(name, value);
    } catch (cause) {
      throw new UsageError(`-H ${JSON.stringify(option)} has a value HTTP does not allow`, undefined, {
        cause,
      });
    }
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (input.data !== undefined) {
    body = input.data.startsWith('@')
      ? await readInput(input.data.slice(1), stdin)
      : new TextEncoder().encode(input.data);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const method = (input.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!TOKEN.test(method)) throw new UsageError(`-X ${JSON.stringify(input.method)} is not an HTTP method`);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new UsageError(`a ${method} request cannot carry -d data`, 'use -X POST (or PUT, PATCH)');
  }
  return body === undefined ? { method, headers } : { method, headers, body };
}
