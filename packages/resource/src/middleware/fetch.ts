/**
 * AAuth for fetch-style handlers (`(request: Request) => Response`): Deno, Bun, Cloudflare Workers,
 * Next.js route handlers, `@hono/node-server`'s raw mode, and anything else speaking WHATWG Request.
 */
import { withResponseHeaders } from '../responses.js';
import { normalizeRoute } from '../route.js';
import type { AAuthIdentity, Resource, RouteRequirement } from '../types.js';

export type AAuthFetchHandler = (request: Request, identity: AAuthIdentity) => Response | Promise<Response>;

/**
 * Wrap `handler` so it only runs for requests that satisfy `route`; every other request gets the
 * challenge or error response `resource.verify` produced. The handler can still read the request body.
 */
export function withAAuth(
  resource: Resource,
  route: RouteRequirement,
  handler: AAuthFetchHandler,
): (request: Request) => Promise<Response> {
  // Validate the route now, so a misconfigured route fails at startup rather than on the first request.
  normalizeRoute(route);
  return async (request) => {
    const outcome = await resource.verify(request, route, { signal: request.signal });
    if (!outcome.ok) return outcome.response;
    // A session-issuing route's AAuth-Access rides on whatever the handler answers.
    return withResponseHeaders(await handler(request, outcome.identity), outcome.responseHeaders);
  };
}
