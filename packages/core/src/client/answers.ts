/**
 * Reading what servers answer: JSON bodies, problem details, `AAuth-Requirement`, `Signature-Error`,
 * `Location` and the 202 deferred-response shape (P11 #deferred-responses).
 */
import { HEADER } from '../constants.js';
import {
  type AAuthRequirement,
  parseProblem,
  parseRequirement,
  parseSignatureError,
  type SignatureErrorHeader,
} from '../headers/index.js';
import { isRecord } from '../keys/jwk.js';
import { ProtocolError } from './errors.js';
import { parseRetryAfter } from './poll-schedule.js';
import type { ProblemInfo } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** The body as a JSON object, or undefined when it is empty or not JSON. */
export function jsonObject(body: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.byteLength === 0) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(body));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The body as a JSON object; a ProtocolError when it is not one (a 200 that must carry a token). */
export function requireJsonObject(
  body: Uint8Array | undefined,
  status: number,
  url: string,
  what: string,
): Record<string, unknown> {
  const value = jsonObject(body);
  if (value === undefined) throw new ProtocolError(`${what} is not a JSON object`, { status, url });
  return value;
}

/** The parsed `Signature-Error`, or undefined when absent or malformed. */
export function readSignatureError(response: Response): SignatureErrorHeader | undefined {
  const value = response.headers.get(HEADER.signatureError);
  if (value === null) return undefined;
  try {
    return parseSignatureError(value);
  } catch {
    return undefined;
  }
}

/** Problem details (body) merged with the `Signature-Error` header, when either is present. */
export function readProblem(response: Response, body: Uint8Array | undefined): ProblemInfo | undefined {
  const problem = parseProblem(jsonObject(body));
  const signatureError = readSignatureError(response)?.error;
  if (problem === undefined && signatureError === undefined) return undefined;
  const info: ProblemInfo = {};
  if (problem !== undefined) {
    info.error = problem.error;
    if (problem.detail !== undefined) info.detail = problem.detail;
    if (problem.type !== undefined) info.type = problem.type;
  }
  if (signatureError !== undefined) {
    info.signatureError = signatureError;
    info.error ??= signatureError;
  }
  return info;
}

/** The parsed `AAuth-Requirement`, undefined when absent; a malformed one is a ProtocolError. */
export function readRequirement(response: Response, url: string): AAuthRequirement | undefined {
  const value = response.headers.get(HEADER.aauthRequirement);
  if (value === null) return undefined;
  try {
    return parseRequirement(value);
  } catch (cause) {
    throw new ProtocolError(
      'malformed AAuth-Requirement header',
      { status: response.status, url },
      { cause },
    );
  }
}

export interface ClarificationAsk {
  question: string;
  options?: string[];
  timeoutSeconds?: number;
}

/** A 202 deferred response, read. */
export interface DeferredAnswer {
  /** Absolute pending URL (same origin as the responder). */
  pollUrl: URL | undefined;
  retryAfterMs: number | undefined;
  requirement: AAuthRequirement | undefined;
  /** Body `status`: `interacting` stops re-prompting; anything else counts as pending. */
  interacting: boolean;
  clarification: ClarificationAsk | undefined;
}

/**
 * Resolves `Location` against the request URL and requires the responder's origin
 * (P11 #deferred-responses; §11 Q16). Undefined when absent.
 */
export function readLocation(response: Response, requestUrl: URL): URL | undefined {
  const value = response.headers.get(HEADER.location);
  if (value === null || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim(), requestUrl);
  } catch (cause) {
    throw new ProtocolError(
      'Location is not a URL',
      { status: response.status, url: requestUrl.href },
      { cause },
    );
  }
  if (url.origin !== requestUrl.origin) {
    throw new ProtocolError(`Location ${url.href} is not on the responder's origin ${requestUrl.origin}`, {
      status: response.status,
      url: requestUrl.href,
    });
  }
  url.hash = '';
  return url;
}

function readClarification(body: Record<string, unknown> | undefined): ClarificationAsk | undefined {
  if (body === undefined || typeof body.clarification !== 'string' || body.clarification.length === 0) {
    return undefined;
  }
  const ask: ClarificationAsk = { question: body.clarification };
  if (Array.isArray(body.options)) {
    const options = body.options.filter((o): o is string => typeof o === 'string');
    if (options.length > 0) ask.options = options;
  }
  if (typeof body.timeout === 'number' && Number.isFinite(body.timeout) && body.timeout > 0) {
    ask.timeoutSeconds = body.timeout;
  }
  return ask;
}

/** Reads a 202: `Location` (resolved, same origin), `Retry-After`, requirement, body status. */
export function readDeferred(
  response: Response,
  body: Uint8Array | undefined,
  requestUrl: URL,
  now: number,
): DeferredAnswer {
  const json = jsonObject(body);
  return {
    pollUrl: readLocation(response, requestUrl),
    retryAfterMs: parseRetryAfter(response.headers.get(HEADER.retryAfter), now),
    requirement: readRequirement(response, requestUrl.href),
    interacting: json?.status === 'interacting',
    clarification: readClarification(json),
  };
}
