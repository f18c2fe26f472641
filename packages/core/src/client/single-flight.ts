/**
 * Keyed single-flight: concurrent callers asking for the same key share one in-flight task. Each
 * caller may abort its own wait; the shared task is aborted only when every caller waiting on it has
 * aborted (so one impatient caller never fails the others, and an abandoned task never keeps polling).
 * The entry is dropped when the task settles: failures are not cached.
 */
import { abortedError } from './timers.js';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Flight<T>>();

  run(key: string, task: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    let flight = this.#inFlight.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const created: Flight<T> = { controller, waiters: 0, promise: Promise.resolve() as Promise<T> };
      created.promise = (async () => {
        try {
          return await task(controller.signal);
        } finally {
          if (this.#inFlight.get(key) === created) this.#inFlight.delete(key);
        }
      })();
      // Waiters observe the promise themselves; this keeps an all-aborted flight from being unhandled.
      created.promise.catch(() => undefined);
      this.#inFlight.set(key, created);
      flight = created;
    }
    return this.#wait(key, flight, signal);
  }

  #wait(key: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiters++;
    if (signal === undefined) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiters--;
        if (flight.waiters === 0) {
          flight.controller.abort(signal.reason);
          if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
        }
        reject(abortedError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
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

  has(key: string): boolean {
    return this.#inFlight.has(key);
  }

  get size(): number {
    return this.#inFlight.size;
  }
}
