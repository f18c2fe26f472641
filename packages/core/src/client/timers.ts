/**
 * Abortable waits. Every timer the client starts is cleared when its wait ends (resolved, aborted or
 * timed out), and every abort listener is removed, so a settled call leaves nothing scheduled.
 */
import { AbortedError, TimeoutError } from '../errors.js';

/** The AbortedError for a signal, keeping the signal's reason as the cause. */
export function abortedError(signal: AbortSignal | undefined, what = 'operation'): AbortedError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AbortedError) return reason;
  return new AbortedError(`${what} aborted`, reason === undefined ? undefined : { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

/** Resolves after `ms`; rejects with AbortedError as soon as `signal` aborts (timer cleared). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal, 'wait'));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal, 'wait'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that fires when `parent` aborts or `timeoutMs` elapses. `dispose()` clears the timer (the
 * parent link is weak: AbortSignal.any holds no strong reference from a long-lived parent);
 * `timedOut` tells the two causes apart.
 */
export interface TimedSignal {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  dispose(): void;
}

export function timedSignal(parent: AbortSignal | undefined, timeoutMs: number): TimedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort(new TimeoutError(`no answer within ${timeoutMs} ms`));
    },
    Math.max(0, timeoutMs),
  );
  const signal = parent === undefined ? controller.signal : AbortSignal.any([parent, controller.signal]);
  return {
    signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

/**
 * Races `promise` against `signal`: rejects with AbortedError when the signal fires first. Used around
 * user callbacks (onInteraction, onClarification, token providers) that cannot be cancelled themselves.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what?: string,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
