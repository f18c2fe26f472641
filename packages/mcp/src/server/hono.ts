/**
 * Hono glue: `app.all('/mcp', aauthMcp(resource, { tools }), handler)` where the handler calls
 * `transport.handleRequest(c.req.raw, { authInfo: c.get('authInfo'), parsedBody: c.get('parsedBody') })`
 * on a `WebStandardStreamableHTTPServerTransport`. Verified requests continue with the AAuth identity,
 * the MCP `AuthInfo` and the parsed JSON-RPC body in context variables (typed by {@link AAuthMcpEnv});
 * every other request is answered with the AAuth challenge or error. The body is read from a clone.
 */
import type { AAuthIdentity, Resource } from '@aauth-kit/resource';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { MiddlewareHandler } from 'hono';
import { type AAuthMcpOptions, createMcpVerifier } from './verify.js';

export interface AAuthMcpVariables {
  aauth: AAuthIdentity;
  authInfo: AuthInfo;
  /** The parsed JSON-RPC body (undefined for GET and DELETE). */
  parsedBody: unknown;
}

/** Use as `new Hono<AAuthMcpEnv>()` (or merge into your Env) to type `c.get('authInfo')`. */
export interface AAuthMcpEnv {
  Variables: AAuthMcpVariables;
}

/** Hono middleware verifying MCP requests with AAuth. */
export function aauthMcp(resource: Resource, options: AAuthMcpOptions = {}): MiddlewareHandler<AAuthMcpEnv> {
  const verifier = createMcpVerifier(resource, options);
  return async (c, next) => {
    const outcome = await verifier.verify(c.req.raw);
    if (!outcome.ok) return outcome.response;
    c.set('aauth', outcome.identity);
    c.set('authInfo', outcome.authInfo);
    c.set('parsedBody', outcome.message);
    await next();
    return undefined;
  };
}

/** Serves the resource's `/.well-known/aauth-resource.json` and JWKS (Person Servers fetch them). */
export function aauthWellKnown(resource: Resource): MiddlewareHandler {
  return async (c, next) => {
    const answer = resource.handleWellKnown(c.req.raw);
    if (answer !== undefined) return answer;
    await next();
    return undefined;
  };
}
