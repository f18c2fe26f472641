/**
 * Express (4 and 5) glue: `app.all('/mcp', aauthMcp(resource, { tools }), handler)`. A verified request
 * continues with `req.auth` (MCP `AuthInfo`, forwarded by `StreamableHTTPServerTransport.handleRequest`
 * to tool handlers as `extra.authInfo`), `req.aauth` (the AAuth identity) and `req.body` (the parsed
 * JSON-RPC body: pass it as `handleRequest(req, res, req.body)`). Every other request is answered here
 * with the AAuth challenge or error.
 *
 * Mount it before `express.json()`: the signature covers `content-digest`, which needs the exact body
 * bytes (a `Buffer` from `express.raw()` or a string from `express.text()` works too).
 */
import { type AAuthIdentity, PayloadTooLargeError, type Resource } from '@aauth-kit/resource';
import { readExpressBody } from '@aauth-kit/resource/express';
import { sendWebResponse, toWebRequest } from '@aauth-kit/resource/node';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  RequestHandler,
} from 'express';
import { type AAuthMcpOptions, createMcpVerifier, payloadTooLargeResponse } from './verify.js';

declare global {
  namespace Express {
    interface Request {
      /** The verified AAuth identity (set by `aauthMcp()`). */
      aauth?: AAuthIdentity;
      /** MCP `AuthInfo` of the verified request (set by `aauthMcp()`). */
      auth?: AuthInfo;
    }
  }
}

/** Express middleware verifying MCP requests with AAuth (see the module comment). */
export function aauthMcp(resource: Resource, options: AAuthMcpOptions = {}): RequestHandler {
  const verifier = createMcpVerifier(resource, options);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction): void => {
    const run = async (): Promise<void> => {
      let body: Uint8Array | null;
      try {
        body = await readExpressBody(req, resource.maxBodyBytes, 'aauthMcp()');
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        res.setHeader('connection', 'close');
        await sendWebResponse(res, payloadTooLargeResponse(error));
        return;
      }
      const request = await toWebRequest(req, { body, path: req.originalUrl });
      const outcome = await verifier.verify(request, { body });
      if (!outcome.ok) {
        await sendWebResponse(res, outcome.response);
        return;
      }
      req.aauth = outcome.identity;
      req.auth = outcome.authInfo;
      req.body = outcome.message;
      next();
    };
    run().catch(next);
  };
}

/** Serves the resource's `/.well-known/aauth-resource.json` and JWKS (Person Servers fetch them). */
export function aauthWellKnown(resource: Resource): RequestHandler {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction): void => {
    if (!req.path.startsWith('/.well-known/')) {
      next();
      return;
    }
    const run = async (): Promise<void> => {
      const answer = resource.handleWellKnown(await toWebRequest(req, { body: null, path: req.originalUrl }));
      if (answer === undefined) {
        next();
        return;
      }
      await sendWebResponse(res, answer);
    };
    run().catch(next);
  };
}
