/**
 * A minimal router over node:http: exact or pattern paths, per-method handlers, 404 / 405 problem answers,
 * and one error boundary that turns every failure into an RFC 9457 answer so the server keeps serving.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';
import { readBody } from './body.js';
import { requestTarget } from './node-request.js';
import { sendProblem } from './respond.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  pathname: string;
  searchParams: URLSearchParams;
  /** Path parameters captured by a pattern route. */
  params: string[];
  /** Aborts when the client goes away (ends long polls early). */
  signal: AbortSignal;
  /** The body, read once with the size limit (413 beyond it). */
  body(): Promise<Uint8Array>;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void>;

export interface Route {
  path: string | RegExp;
  methods: Partial<Record<string, RouteHandler>>;
}

function match(route: Route, pathname: string): string[] | undefined {
  if (typeof route.path === 'string') return route.path === pathname ? [] : undefined;
  const found = route.path.exec(pathname);
  return found ? found.slice(1) : undefined;
}

function internalError(cause: unknown): HttpProblemError {
  return new HttpProblemError(500, PROBLEM_CODE.serverError, 'the dev server failed to handle the request', {
    cause,
  });
}

/** The node:http request listener for a role. `onError` sees unexpected (500) failures. */
export function createRouter(
  routes: readonly Route[],
  options: { maxBodyBytes: number; onError?: (error: unknown) => void },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    void dispatch(routes, options, req, res, controller.signal).catch((error: unknown) => {
      const problem = error instanceof HttpProblemError ? error : internalError(error);
      if (!(error instanceof HttpProblemError)) options.onError?.(error);
      sendProblem(res, problem);
      if (problem.status === 413) req.resume(); // discard the unread rest of the body
    });
  };
}

async function dispatch(
  routes: readonly Route[],
  options: { maxBodyBytes: number },
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { pathname, search } = requestTarget(req);
  for (const route of routes) {
    const params = match(route, pathname);
    if (params === undefined) continue;
    const method = req.method ?? 'GET';
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      throw new HttpProblemError(405, PROBLEM_CODE.methodNotAllowed, `${method} is not allowed here`, {
        headers: { allow },
      });
    }
    let body: Promise<Uint8Array> | undefined;
    await handler({
      req,
      res,
      pathname,
      searchParams: new URLSearchParams(search),
      params,
      signal,
      body: () => {
        body ??= readBody(req, options.maxBodyBytes);
        return body;
      },
    });
    return;
  }
  throw new HttpProblemError(404, PROBLEM_CODE.notFound, `nothing is served at ${pathname}`);
}
