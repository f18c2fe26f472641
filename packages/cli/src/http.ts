/**
 * The CLI's own HTTP exchanges (the dev Agent Provider, discovery-free calls): global fetch bounded by a
 * timeout and the command's signal, with transport failures mapped to the core's typed errors.
 */
import { AbortedError, NetworkError, ProtocolError, parseProblem, TimeoutError } from '@aauth-kit/core';
import { createDeadline } from './deadline.js';

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export interface SendOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** One exchange; NetworkError / TimeoutError / AbortedError instead of fetch's TypeError and DOMException. */
export async function send(url: string, init: RequestInit, options: SendOptions = {}): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const deadline = createDeadline(options.signal, timeoutMs);
  try {
    // The body is read by the caller after this returns; the deadline covers the exchange up to headers.
    return await (options.fetch ?? globalThis.fetch)(url, {
      ...init,
      signal: deadline.signal,
      redirect: 'error',
    });
  } catch (cause) {
    if (deadline.expired) {
      throw new TimeoutError(`${init.method ?? 'GET'} ${url}: no answer within ${timeoutMs} ms`, { cause });
    }
    if (options.signal?.aborted)
      throw new AbortedError(`${init.method ?? 'GET'} ${url} was interrupted`, { cause });
    throw new NetworkError(`cannot reach ${url}`, url, { cause });
  } finally {
    deadline.dispose();
  }
}

/** The JSON object of a response body; anything else is a ProtocolError naming the URL. */
export async function readJsonObject(response: Response, url: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError(
      `${url} answered ${response.status} with a body that is not JSON`,
      {
        status: response.status,
        url,
      },
      { cause },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError(`${url} answered ${response.status} with JSON that is not an object`, {
      status: response.status,
      url,
    });
  }
  return parsed as Record<string, unknown>;
}

/** `error: detail` of a problem-details body, or `HTTP <status>`. */
export async function describeFailure(response: Response): Promise<{ error: string; detail?: string }> {
  const text = await response.text().catch(() => '');
  let problem: ReturnType<typeof parseProblem>;
  try {
    problem = parseProblem(JSON.parse(text));
  } catch {
    problem = undefined;
  }
  if (problem === undefined) return { error: `HTTP ${response.status}` };
  return problem.detail === undefined
    ? { error: problem.error }
    : { error: problem.error, detail: problem.detail };
}
