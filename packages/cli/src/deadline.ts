/**
 * A signal that fires when the caller's signal does or when a time limit passes, with a timer that is
 * always cleared (`dispose`), so a finished command leaves nothing scheduled.
 */
export interface Deadline {
  signal: AbortSignal;
  /** True once the time limit (not the caller) ended the wait. */
  readonly expired: boolean;
  dispose(): void;
}

export function createDeadline(parent: AbortSignal | undefined, timeoutMs: number | undefined): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          expired = true;
          controller.abort();
        }, timeoutMs);
  timer?.unref();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
