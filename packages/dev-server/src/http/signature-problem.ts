/**
 * Turns a failed signature verification into the AAuth answer: 401, `Signature-Error` (authoritative),
 * `Accept-Signature-Scheme` / `Accept-Signature-Alg` when they help, and a problem body whose `type` is
 * the SK08 URN (P11 §2.4, §11 Q22).
 */
import {
  SIGNATURE_ERROR_CODE,
  SIGNATURE_ERROR_TYPE_PREFIX,
  type SignatureErrorCode,
  SignatureVerificationError,
  serializeSignatureError,
} from '@aauth-kit/core';
import { HttpProblemError } from '../errors.js';

export function signatureProblem(
  code: SignatureErrorCode,
  detail: string,
  extra: {
    requiredInput?: readonly string[];
    acceptSchemes?: readonly string[];
    acceptAlgs?: readonly string[];
  } = {},
  cause?: unknown,
): HttpProblemError {
  const headers: Record<string, string> = {
    'signature-error': serializeSignatureError(
      extra.requiredInput === undefined
        ? { error: code }
        : { error: code, requiredInput: [...extra.requiredInput] },
    ),
  };
  if (extra.acceptSchemes !== undefined && extra.acceptSchemes.length > 0) {
    headers['accept-signature-scheme'] = extra.acceptSchemes.join(', ');
  }
  if (extra.acceptAlgs !== undefined && extra.acceptAlgs.length > 0) {
    headers['accept-signature-alg'] = extra.acceptAlgs.join(', ');
  }
  return new HttpProblemError(401, code, detail, {
    headers,
    type: `${SIGNATURE_ERROR_TYPE_PREFIX}${code}`,
    ...(extra.requiredInput === undefined
      ? {}
      : { extensions: { required_input: [...extra.requiredInput] } }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Maps verifier errors to their 401; anything else is rethrown (it is a server fault). */
export function toSignatureProblem(error: unknown): HttpProblemError {
  if (error instanceof SignatureVerificationError) {
    return signatureProblem(error.signatureError, error.message, error.details, error);
  }
  throw error;
}

export { SIGNATURE_ERROR_CODE };
