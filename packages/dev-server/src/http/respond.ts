/** Writes JSON, HTML and RFC 9457 problem responses on node:http. */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import { MEDIA_TYPE } from '../constants.js';
import type { HttpProblemError } from '../errors.js';

export type ResponseHeaders = Record<string, string | readonly string[]>;

function write(
  res: ServerResponse,
  status: number,
  headers: ResponseHeaders,
  body: string | undefined,
): void {
  if (res.headersSent) {
    // Nothing sensible can be sent any more; make sure the client is not left hanging.
    res.destroy();
    return;
  }
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (payload) res.setHeader('content-length', payload.length);
  res.end(payload);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: ResponseHeaders = {},
): void {
  write(res, status, { 'content-type': MEDIA_TYPE.json, ...headers }, JSON.stringify(body));
}

export function sendEmpty(res: ServerResponse, status: number, headers: ResponseHeaders = {}): void {
  write(res, status, headers, undefined);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: ResponseHeaders = {},
): void {
  write(res, status, { 'content-type': MEDIA_TYPE.html, ...headers }, html);
}

/** The RFC 9457 body of a problem: `title` is the status phrase, `error` the stable code. */
export function problemBody(problem: HttpProblemError): Record<string, unknown> {
  return {
    ...(problem.type === undefined ? {} : { type: problem.type }),
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    error: problem.error,
    detail: problem.message,
    ...problem.extensions,
  };
}

export function sendProblem(res: ServerResponse, problem: HttpProblemError): void {
  write(
    res,
    problem.status,
    { 'content-type': MEDIA_TYPE.problemJson, 'cache-control': 'no-store', ...problem.headers },
    JSON.stringify(problemBody(problem)),
  );
}
