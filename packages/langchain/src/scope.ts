/**
 * The AAuth scope of a tool call: an AsyncLocalStorage carrying the agent client, so that tools written
 * against a plain `fetch` signature (`aauthFetch`) sign every request without being handed a client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';

/** What `aauthFetch` accepts: the WHATWG fetch signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

interface AAuthScope {
  readonly client: AAuthClient;
}

const storage = new AsyncLocalStorage<AAuthScope>();

/** Runs `fn` with `client` in scope: `aauthFetch` calls made inside it (however deep) are signed by it. */
export function runWithAAuth<T>(client: AAuthClient, fn: () => T): T {
  return storage.run({ client }, fn);
}

/** The client of the enclosing AAuth scope, if any (the adapters' tool calls: its `'throw'` view). */
export function currentAAuthClient(): AAuthClient | undefined {
  return storage.getStore()?.client;
}

export interface AAuthFetchOptions {
  /**
   * What to do when called outside an AAuth scope (a tool run by hand, a test, a node that is not a
   * tool). Default: throw `ConfigurationError`, because silently sending the request unsigned would
   * only fail later at the resource, or leak a call that was meant to be attributable. Pass an
   * `AAuthClient` to sign with it instead, or a plain fetch to opt in to unsigned requests.
   */
  outsideScope?: AAuthClient | FetchLike;
}

function isClient(value: unknown): value is AAuthClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { fetch?: unknown }).fetch === 'function' &&
    typeof (value as { pendingConsent?: unknown }).pendingConsent === 'function'
  );
}

/** A fetch that signs with the client in scope; outside a scope it follows `options.outsideScope`. */
export function createAAuthFetch(options: AAuthFetchOptions = {}): FetchLike {
  const fallback = options.outsideScope;
  if (fallback !== undefined && typeof fallback !== 'function' && !isClient(fallback)) {
    throw new ConfigurationError('outsideScope must be an AAuthClient or a fetch function');
  }
  const outside: FetchLike | undefined =
    fallback === undefined ? undefined : isClient(fallback) ? (i, init) => fallback.fetch(i, init) : fallback;
  return (input, init) => {
    const client = storage.getStore()?.client;
    if (client !== undefined) return client.fetch(input, init);
    if (outside !== undefined) return outside(input, init);
    return Promise.reject(
      new ConfigurationError(
        'aauthFetch was called outside an AAuth scope: run the tool through withAAuth() or aauthMiddleware(), ' +
          'wrap the call in runWithAAuth(client, fn), or use createAAuthFetch({ outsideScope }) to choose a fallback',
      ),
    );
  };
}

/**
 * Signed fetch for use inside tools: signs with the client of the enclosing `withAAuth` /
 * `aauthMiddleware` scope, and rejects with `ConfigurationError` outside one (never sends unsigned).
 */
export const aauthFetch: FetchLike = createAAuthFetch();
