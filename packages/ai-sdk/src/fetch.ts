/**
 * The signed fetch: the agent client's `fetch` shaped as the `fetch` that AI SDK tools, providers and
 * `createMCPClient({ transport: { type: 'http', url, fetch } })` take, plus `aauthFetch`, which reads
 * the fetch of the tool call it runs in (so tools built with plain `tool()` can sign too).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';
import type { AAuthFetch } from './types.js';

export interface CreateAAuthFetchOptions {
  /** Aborts every request made through this fetch (merged with each request's own `signal`). */
  signal?: AbortSignal;
}

/** Throws a ConfigurationError unless `client` looks like an agent client. */
export function checkClient(client: unknown, where: string): asserts client is AAuthClient {
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { fetch?: unknown }).fetch !== 'function' ||
    typeof (client as { waitForConsent?: unknown }).waitForConsent !== 'function' ||
    typeof (client as { withConsent?: unknown }).withConsent !== 'function'
  ) {
    throw new ConfigurationError(`${where}: client must be an agent client from createAAuthClient()`);
  }
}

function withSignal(
  input: string | URL | Request,
  init: RequestInit | undefined,
  signal: AbortSignal | undefined,
): RequestInit | undefined {
  if (signal === undefined) return init;
  // The request's own signal: init's, else the Request object's (init would otherwise replace it).
  const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  if (own === undefined) return { ...init, signal };
  if (own === signal) return init;
  return { ...init, signal: AbortSignal.any([own, signal]) };
}

/** The client's fetch, following `signal` (no copy of any protocol logic: every request goes through it). */
export function signedFetch(client: AAuthClient, signal: AbortSignal | undefined): AAuthFetch {
  return (input, init) => client.fetch(input, withSignal(input, init, signal));
}

/** The tool call this code runs in: its signed fetch, and the (`'throw'` view of the) client behind it. */
interface ToolCallScope {
  fetch: AAuthFetch;
  client: AAuthClient | undefined;
}

const scope = new AsyncLocalStorage<ToolCallScope>();

/**
 * Runs `fn` as part of a tool call: `fetch` is what `aauthFetch` uses, and `client` (the tool's
 * `'throw'` view) tells `createAAuthFetch` fetches of the same client to raise consent to the tool.
 */
export function runWithFetch<T>(fetch: AAuthFetch, fn: () => T, client?: AAuthClient): T {
  return scope.run({ fetch, client }, fn);
}

/**
 * A `fetch` that signs every request with the agent's key and answers AAuth challenges: for tools, for
 * model providers' `fetch` option, and for `createMCPClient({ transport: { type: 'http', url, fetch } })`.
 * Inside a tool call wrapped with the same client (`aauthTool`, `withAAuth`, `withAAuthTools`: an MCP
 * tool's `tools/call`), a request that needs consent rejects with `ConsentRequiredError` whatever mode
 * the client was created with, so the tool's mode handles it; elsewhere the client's own mode applies.
 */
export function createAAuthFetch(client: AAuthClient, options: CreateAAuthFetchOptions = {}): AAuthFetch {
  checkClient(client, 'createAAuthFetch');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ConfigurationError('createAAuthFetch: signal must be an AbortSignal');
  }
  const own = signedFetch(client, options.signal);
  // Views are cached per mode, so a tool call wrapped with this client carries this very object.
  const throwing = client.withConsent('throw');
  const inToolCall = signedFetch(throwing, options.signal);
  return (input, init) => (scope.getStore()?.client === throwing ? inToolCall : own)(input, init);
}

/**
 * The signed fetch of the tool call this code runs in (inside `aauthTool`, `withAAuth` or
 * `withAAuthTools`). Outside a tool call it throws a ConfigurationError instead of silently sending an
 * unsigned request.
 */
export const aauthFetch: AAuthFetch = (input, init) => {
  const current = scope.getStore()?.fetch;
  if (current === undefined) {
    return Promise.reject(
      new ConfigurationError(
        'aauthFetch was called outside an AAuth tool call (wrap the tool with withAAuth or aauthTool)',
      ),
    );
  }
  return current(input, init);
};
