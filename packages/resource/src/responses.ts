/**
 * The responses a resource answers with. Signature failures are always 401 + `Signature-Error` (P11 §2.4);
 * challenges are 401 + `AAuth-Requirement`; refusals are 403 and never carry Signature-Error,
 * Accept-Signature-Scheme or Accept-Signature-Alg. Bodies are RFC 9457 problem details with an `error` code.
 */
import {
  createProblem,
  HEADER,
  type ProblemInit,
  SIGNATURE_ERROR_CODE,
  type SignatureVerificationError,
  SUPPORTED_ALGS,
  serializeAcceptSignatureAlg,
  serializeAcceptSignatureScheme,
  serializeRequirement,
  serializeSignatureError,
  signatureErrorProblem,
} from '@aauth-kit/core';
import { ACCEPTED_SIGNATURE_SCHEMES, MEDIA_TYPE, PROBLEM_CODE } from './constants.js';
import type { ChallengeRequirement } from './errors.js';

const NO_STORE = 'no-store';

/** A JSON response; `no-store` unless the caller says otherwise. */
export function jsonResponse(
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
  contentType: string = MEDIA_TYPE.json,
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': contentType, 'cache-control': NO_STORE, ...headers },
  });
}

/** An RFC 9457 problem response. */
export function problemResponse(
  status: number,
  error: string,
  detail: string,
  headers: Record<string, string> = {},
  extra: ProblemInit = {},
): Response {
  const problem = createProblem(error, { ...extra, status, detail });
  return jsonResponse(problem, status, headers, MEDIA_TYPE.problemJson);
}

/** 401 + Signature-Error (+ Accept-Signature-* where SK08 says so) + a problem body with the SK URN type. */
export function signatureErrorResponse(
  error: SignatureVerificationError,
  extraHeaders: Record<string, string> = {},
): Response {
  const code = error.signatureError;
  const headers: Record<string, string> = {
    [HEADER.signatureError]: serializeSignatureError(
      error.details.requiredInput === undefined
        ? { error: code }
        : { error: code, requiredInput: [...error.details.requiredInput] },
    ),
    ...extraHeaders,
  };
  if (code === SIGNATURE_ERROR_CODE.unsupportedScheme) {
    headers[HEADER.acceptSignatureScheme] = serializeAcceptSignatureScheme(
      error.details.acceptSchemes ?? ACCEPTED_SIGNATURE_SCHEMES,
    );
  }
  if (code === SIGNATURE_ERROR_CODE.unsupportedAlgorithm) {
    headers[HEADER.acceptSignatureAlg] = serializeAcceptSignatureAlg(
      error.details.acceptAlgs ?? SUPPORTED_ALGS,
    );
  }
  const body = signatureErrorProblem(code, error.message);
  return jsonResponse(body, 401, headers, MEDIA_TYPE.problemJson);
}

/** The `AAuth-Requirement` value for a challenge. */
export function requirementHeader(requirement: ChallengeRequirement, resourceToken?: string): string {
  if (requirement === 'auth-token') {
    return serializeRequirement({ requirement, resourceToken: resourceToken ?? '' });
  }
  return serializeRequirement({ requirement });
}

/** 401 + AAuth-Requirement: come back with a stronger token. */
export function challengeResponse(
  requirement: ChallengeRequirement,
  detail: string,
  resourceToken?: string,
): Response {
  return problemResponse(
    401,
    PROBLEM_CODE.authorizationRequired,
    detail,
    { [HEADER.aauthRequirement]: requirementHeader(requirement, resourceToken) },
    { requirement },
  );
}

/**
 * `response` with `headers` added (the `responseHeaders` of a verified request, e.g. `AAuth-Access`). A
 * response whose headers are immutable (one obtained from fetch) is copied first.
 */
export function withResponseHeaders(
  response: Response,
  headers: Record<string, string> | undefined,
): Response {
  if (headers === undefined) return response;
  let target = response;
  try {
    for (const [name, value] of Object.entries(headers)) target.headers.set(name, value);
  } catch {
    target = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) target.headers.set(name, value);
  }
  return target;
}
