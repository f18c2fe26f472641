/**
 * The signed fetch a tool call uses, scoped to that call with AsyncLocalStorage so code deep inside a
 * tool (or an existing tool wrapped with `withAAuth`) reaches it through `aauthFetch`. The scope also
 * records the consent errors the client raised, because a wrapped tool's own error handling may
 * swallow them before the adapter sees them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AAuthClient,
  ConfigurationError,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  InteractionGoneError,
} from '@aauth-kit/core';

/** `fetch` as the AAuth client implements it: signs, answers AAuth challenges, returns the final response. */
export type AAuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A consent the client could not complete within the call. */
export type ConsentError =
  | ConsentRequiredError
  | ConsentDeniedError
  | ConsentExpiredError
  | InteractionGoneError;

export function isConsentError(error: unknown): error is ConsentError {
  return (
    error instanceof ConsentRequiredError ||
    error instanceof ConsentDeniedError ||
    error instanceof ConsentExpiredError ||
    error instanceof InteractionGoneError
  );
}

export interface CallScope {
  readonly client: AAuthClient;
  readonly fetch: AAuthFetch;
  /** Consent errors the signed fetch raised during this attempt, oldest first. */
  readonly consentErrors: ConsentError[];
}

const storage = new AsyncLocalStorage<CallScope>();

/** Aborts when either aborts (AbortSignal.any is missing before Node 20.3). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const forward = (source: AbortSignal) => () => controller.abort(source.reason);
  for (const source of [a, b]) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener('abort', forward(source), { once: true });
  }
  return controller.signal;
}

/** The request's own signal combined with the call's: either aborts the request. */
function callSignal(
  input: string | URL | Request,
  init: RequestInit | undefined,
  signal: AbortSignal | undefined,
): RequestInit | undefined {
  if (signal === undefined) return init;
  const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  return { ...init, signal: own === undefined || own === null ? signal : eitherSignal(own, signal) };
}

/** A scope for one attempt of one tool call; `signal` (the SDK's per-call signal) aborts its requests. */
export function createScope(client: AAuthClient, signal: AbortSignal | undefined): CallScope {
  const consentErrors: ConsentError[] = [];
  const scopedFetch: AAuthFetch = async (input, init) => {
    try {
      return await client.fetch(input, callSignal(input, init, signal));
    } catch (error) {
      if (isConsentError(error)) consentErrors.push(error);
      throw error;
    }
  };
  return { client, fetch: scopedFetch, consentErrors };
}

export function runInScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * The signed fetch of the AAuth tool call in progress. Outside one it rejects with a
 * ConfigurationError rather than sending an unsigned request.
 */
export const aauthFetch: AAuthFetch = (input, init) => {
  const scope = storage.getStore();
  if (scope === undefined) {
    return Promise.reject(
      new ConfigurationError(
        'aauthFetch was called outside an AAuth tool call (create the tool with aauthTool or wrap it with withAAuth)',
      ),
    );
  }
  return scope.fetch(input, init);
};
