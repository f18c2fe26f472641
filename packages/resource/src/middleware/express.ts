/**
 * Express (4 and 5) middleware: `app.get('/docs', aauth(resource, { accept: ['agent'] }), handler)`.
 * Verified requests continue with `req.aauth` set to the identity; every other request is answered here
 * with the challenge or error response.
 *
 * Body: the signature may cover `content-digest`, which needs the exact bytes. When `req.body` is already a
 * Buffer (`express.raw()`) or a string (`express.text()`), it is used; otherwise the middleware reads the
 * stream itself (up to `resource.maxBodyBytes`) and sets `req.body` to the raw Buffer. Mount it before
 * `express.json()`: a parser that already consumed the stream leaves no bytes to check, and a request with a
 * body then fails with a ConfigurationError.
 */
import type { IncomingMessage } from 'node:http';
import { ConfigurationError } from '@aauth-kit/core';
import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  RequestHandler,
} from 'express';
import { PROBLEM_CODE } from '../constants.js';
import { PayloadTooLargeError } from '../errors.js';
import { problemResponse } from '../responses.js';
import { normalizeRoute } from '../route.js';
import type { AAuthIdentity, Resource, RouteRequirement } from '../types.js';
import { announcesBody, readNodeBody, sendWebResponse, verifyNodeRequest } from './node.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by `aauth()` once the request is verified. */
      aauth?: AAuthIdentity;
    }
  }
}

/**
 * The raw body bytes, from a previous raw/text parser or from the stream (at most `limit` bytes,
 * else PayloadTooLargeError); null when there is none. Read bytes are left on `req.body` so parsers
 * mounted later (which see an already-read stream and skip) leave the handlers something to read.
 * `middleware` names the caller in the error for a body a JSON parser consumed first.
 */
export async function readExpressBody(
  req: ExpressRequest & IncomingMessage,
  limit: number,
  middleware = 'aauth()',
): Promise<Uint8Array | null> {
  const parsed: unknown = req.body;
  if (parsed instanceof Uint8Array) return parsed;
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  if (!announcesBody(req)) return null;
  if (req.readableEnded) {
    throw new ConfigurationError(
      `${middleware}: the request body was consumed by a parser that kept no raw bytes; mount ${middleware} ` +
        'before express.json()/urlencoded(), or use express.raw()',
    );
  }
  const bytes = await readNodeBody(req, limit);
  req.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes;
}

/** Express middleware requiring `route`; `req.aauth` holds the identity for the next handlers. */
export function aauth(resource: Resource, route: RouteRequirement): RequestHandler {
  normalizeRoute(route);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction): void => {
    const run = async (): Promise<void> => {
      let body: Uint8Array | null;
      try {
        body = await readExpressBody(req, resource.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        await sendWebResponse(res, problemResponse(413, PROBLEM_CODE.payloadTooLarge, error.message));
        return;
      }
      const outcome = await verifyNodeRequest(resource, req, route, { body, path: req.originalUrl });
      if (outcome.ok) {
        req.aauth = outcome.identity;
        // A session-issuing route's AAuth-Access rides on whatever the handlers answer.
        for (const [name, value] of Object.entries(outcome.responseHeaders ?? {})) res.setHeader(name, value);
        next();
        return;
      }
      await sendWebResponse(res, outcome.response);
    };
    run().catch(next);
  };
}
