/**
 * A fetch that reaches the dev server's own roles by their identifiers: requests to an identifier's
 * origin go to the role's listen address (only the transport changes; the URL the peer signs and checks
 * is still the identifier), everything else goes to the base fetch. This lets identifiers such as
 * `https://ps.example` be served from 127.0.0.1.
 */
import type { DevServerIdentifiers } from './context.js';

export function createRoutingFetch(routes: ReadonlyMap<string, string>, base: typeof fetch): typeof fetch {
  const routed = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = input instanceof Request ? input.url : String(input);
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return base(input, init);
    }
    const target = routes.get(url.origin);
    if (target === undefined) return base(input, init);
    const rewritten = `${target}${url.pathname}${url.search}`;
    return input instanceof Request ? base(new Request(rewritten, input), init) : base(rewritten, init);
  };
  return routed as typeof fetch;
}

/** The routing fetch for the three roles: identifier origin → listen origin. */
export function routingFetchFor(
  identifiers: DevServerIdentifiers,
  listenOrigins: Readonly<Record<keyof DevServerIdentifiers, string>>,
  base: typeof fetch,
): typeof fetch {
  const routes = new Map<string, string>();
  for (const role of ['agentProvider', 'personServer', 'resource'] as const) {
    routes.set(new URL(identifiers[role]).origin, listenOrigins[role]);
  }
  return createRoutingFetch(routes, base);
}
