/**
 * RFC 9457 problem details as AAuth uses them (P11 #error-response-format): `application/problem+json`
 * bodies `{"error":"<code>","detail":"..."}`. Clients key on `error`, never on `type`; servers that
 * predate -09 send OAuth-style `error_description`, read here as `detail`. Signature failures also carry
 * `type: urn:ietf:params:sig-error:<code>` (SK08 §5.2), from which `error` is recovered when absent.
 */
import {
  PROBLEM_JSON_CONTENT_TYPE,
  SIGNATURE_ERROR_TYPE_PREFIX,
  type SignatureErrorCode,
} from '../constants.js';
import { InvalidArgumentError } from '../errors.js';

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** The AAuth error code (`invalid_request`, `denied`, `invalid_signature`, ...). */
  error: string;
  [member: string]: unknown;
}

/** Members that would reach `Object.prototype` if copied by assignment. */
const UNSAFE_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const TYPED_MEMBERS: ReadonlySet<string> = new Set(['type', 'title', 'status', 'detail', 'error']);

function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function asObject(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * Read a problem details body (an already-parsed JSON value, or its JSON text). Tolerant: members of
 * the wrong type are dropped, `error_description` stands in for a missing `detail`, and `error` falls
 * back to the code in a `urn:ietf:params:sig-error:` type. Returns undefined when there is no error code.
 */
export function parseProblem(body: unknown): ProblemDetails | undefined {
  const source = asObject(body);
  if (source === undefined) return undefined;

  const type = nonEmptyString(source.type);
  const error =
    nonEmptyString(source.error) ??
    (type?.startsWith(SIGNATURE_ERROR_TYPE_PREFIX)
      ? nonEmptyString(type.slice(SIGNATURE_ERROR_TYPE_PREFIX.length))
      : undefined);
  if (error === undefined) return undefined;

  const problem: ProblemDetails = { error };
  for (const [member, value] of Object.entries(source)) {
    if (!UNSAFE_MEMBERS.has(member) && !TYPED_MEMBERS.has(member)) problem[member] = value;
  }
  if (type !== undefined) problem.type = type;
  const title = nonEmptyString(source.title);
  if (title !== undefined) problem.title = title;
  if (isHttpStatus(source.status)) problem.status = source.status;
  const detail = nonEmptyString(source.detail) ?? nonEmptyString(source.error_description);
  if (detail !== undefined) problem.detail = detail;
  return problem;
}

export interface ProblemInit {
  status?: number;
  detail?: string;
  title?: string;
  type?: string;
  /** Extension members (e.g. `mission_status`), copied as given. */
  [member: string]: unknown;
}

/**
 * Build a problem details body for `error`. Extension members in `init` are copied; `error` cannot be
 * overridden through them.
 * @throws InvalidArgumentError for an empty `error`, a non-string `type`/`title`/`detail`, or a `status`
 * outside 100-599.
 */
export function createProblem(error: string, init: ProblemInit = {}): ProblemDetails {
  if (nonEmptyString(error) === undefined)
    throw new InvalidArgumentError('problem error must be a non-empty string');
  const problem: ProblemDetails = { error };
  for (const [member, value] of Object.entries(init ?? {})) {
    if (value === undefined || UNSAFE_MEMBERS.has(member) || member === 'error') continue;
    if ((member === 'type' || member === 'title' || member === 'detail') && typeof value !== 'string') {
      throw new InvalidArgumentError(`problem ${member} must be a string`);
    }
    if (member === 'status' && !isHttpStatus(value)) {
      throw new InvalidArgumentError('problem status must be an integer HTTP status (100-599)');
    }
    problem[member] = value;
  }
  return problem;
}

/**
 * The body accompanying a `Signature-Error` (always a 401): `type` is the SK08 URN, `error` the code.
 * The header stays authoritative.
 */
export function signatureErrorProblem(code: SignatureErrorCode | string, detail?: string): ProblemDetails {
  const init: ProblemInit = { type: `${SIGNATURE_ERROR_TYPE_PREFIX}${code}`, status: 401 };
  if (detail !== undefined) init.detail = detail;
  return createProblem(code, init);
}

/** True when a `Content-Type` value is `application/problem+json` (parameters and case ignored). */
export function isProblemContentType(contentType: string | null | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === PROBLEM_JSON_CONTENT_TYPE;
}
