/** Serves a fetch-style handler (`Request` → `Response`) from node:http. */
import type { ServerResponse } from 'node:http';
import { toFetchRequest } from './node-request.js';
import type { RequestContext } from './router.js';

export type FetchHandler = (request: Request) => Promise<Response>;

export async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (body !== undefined) res.setHeader('content-length', body.length);
  res.end(body);
}

/** Runs `handler` on the request rebuilt under `origin` (the role's identifier). */
export async function serveFetch(ctx: RequestContext, origin: string, handler: FetchHandler): Promise<void> {
  const request = toFetchRequest(ctx.req, origin, await ctx.body(), ctx.signal);
  await writeFetchResponse(ctx.res, await handler(request));
}
