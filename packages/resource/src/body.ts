/**
 * Bounded body reading. The signature may cover `content-digest`, so the verifier needs the exact bytes;
 * reading them must never let a client make the server buffer more than the configured limit.
 */
import { readStreamWithLimit } from '@aauth-kit/core';
import { PayloadTooLargeError } from './errors.js';

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(limit, `request body exceeds ${limit} bytes`);
}

/** Refuse early when a declared Content-Length is already over the limit. */
export function checkDeclaredLength(contentLength: string | null | undefined, limit: number): void {
  if (contentLength === null || contentLength === undefined) return;
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * Read a WHATWG Request's body without consuming it (a clone is read, so the handler can still read the
 * original). Returns null when the request has no body.
 */
export async function readRequestBody(request: Request, limit: number): Promise<Uint8Array | null> {
  if (request.body === null) return null;
  checkDeclaredLength(request.headers.get('content-length'), limit);
  const body = request.clone().body;
  if (body === null) return null;
  // Cancelling one branch of a tee settles only once the other branch is cancelled too: do not await it.
  return readStreamWithLimit(body, { limit, tooLarge: () => tooLarge(limit), awaitCancel: false });
}
