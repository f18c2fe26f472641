/** Reads a request body into memory with a hard size bound, so no client can make the server buffer more. */
import type { IncomingMessage } from 'node:http';
import { PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';

function tooLarge(limit: number): HttpProblemError {
  // Connection: close because the rest of the body is not read: the socket cannot be reused.
  return new HttpProblemError(413, PROBLEM_CODE.payloadTooLarge, `request body exceeds ${limit} bytes`, {
    headers: { connection: 'close' },
  });
}

/**
 * Resolves with the exact body bytes (empty when there is none). Rejects with a 413 `HttpProblemError`
 * as soon as the declared or received size passes `limit`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (error: HttpProblemError | undefined): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (): void =>
      finish(new HttpProblemError(400, PROBLEM_CODE.invalidRequest, 'the request body could not be read'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
