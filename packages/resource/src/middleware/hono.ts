/**
 * Hono middleware: `app.get('/docs', aauth(resource, { accept: ['agent'] }), (c) => c.json(c.get('aauth')))`.
 * Verified requests continue with the identity in the `aauth` context variable (typed through
 * {@link AAuthEnv}); every other request is answered with the challenge or error response. The body is read
 * from a clone, so handlers can still call `c.req.json()`.
 */
import type { MiddlewareHandler } from 'hono';
import { normalizeRoute } from '../route.js';
import type { AAuthIdentity, Resource, RouteRequirement } from '../types.js';

export interface AAuthVariables {
  aauth: AAuthIdentity;
}

/** Use as `new Hono<AAuthEnv>()` (or merge into your own Env) to type `c.get('aauth')`. */
export interface AAuthEnv {
  Variables: AAuthVariables;
}

/** Hono middleware requiring `route`; `c.get('aauth')` holds the identity for the next handlers. */
export function aauth(resource: Resource, route: RouteRequirement): MiddlewareHandler<AAuthEnv> {
  normalizeRoute(route);
  return async (c, next) => {
    const outcome = await resource.verify(c.req.raw, route);
    if (!outcome.ok) return outcome.response;
    c.set('aauth', outcome.identity);
    await next();
    // A session-issuing route's AAuth-Access rides on whatever the handlers answered.
    for (const [name, value] of Object.entries(outcome.responseHeaders ?? {})) c.header(name, value);
    return undefined;
  };
}
