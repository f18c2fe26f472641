/**
 * When to poll a pending URL next (P11 #deferred-responses): honour `Retry-After` (default 5 s), add
 * 5 s for every 429 `slow_down` (linear, and it sticks), never poll the same URL twice within
 * `minIntervalMs`, never wait longer than `maxIntervalMs`, never past the deadline. Pure: the caller
 * passes the clock readings.
 */

export const DEFAULT_RETRY_AFTER_MS = 5_000;
export const SLOW_DOWN_STEP_MS = 5_000;
export const DEFAULT_MIN_POLL_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 60_000;

/**
 * `Retry-After` in ms: delta-seconds (RFC 9110 §10.2.3) or an HTTP-date relative to `now`.
 * `undefined` when absent or malformed.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface PollScheduleOptions {
  /**
   * When the answer that made the request pending arrived (epoch ms). It counts as the last poll, so a
   * re-run right after the 202 does not poll early and earn a 429.
   */
  startedAt?: number;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  defaultIntervalMs?: number;
}

export class PollSchedule {
  readonly #min: number;
  readonly #max: number;
  readonly #default: number;
  #baseMs: number;
  #penaltyMs = 0;
  #lastPollStart: number | undefined;

  /** `initialRetryAfterMs`: the `Retry-After` of the response that made the request pending. */
  constructor(initialRetryAfterMs: number | undefined, options: PollScheduleOptions = {}) {
    this.#min = Math.max(0, options.minIntervalMs ?? DEFAULT_MIN_POLL_INTERVAL_MS);
    this.#max = Math.max(this.#min, options.maxIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS);
    this.#default = options.defaultIntervalMs ?? DEFAULT_RETRY_AFTER_MS;
    this.#baseMs = initialRetryAfterMs ?? this.#default;
    this.#lastPollStart = options.startedAt;
  }

  /** Current interval before clamping (base `Retry-After` plus accumulated slow-down). */
  get intervalMs(): number {
    return Math.min(this.#max, this.#baseMs + this.#penaltyMs);
  }

  /** Record that a poll started at `now`. */
  pollStarted(now: number): void {
    this.#lastPollStart = now;
  }

  /** A 202 (or 503) answer: the server's next `Retry-After`, default 5 s. */
  pending(retryAfterMs: number | undefined): void {
    this.#baseMs = retryAfterMs ?? this.#default;
  }

  /** A 429 `slow_down`: +5 s from now on (and the server's `Retry-After` when it sent a longer one). */
  slowDown(retryAfterMs: number | undefined): void {
    this.#penaltyMs += SLOW_DOWN_STEP_MS;
    if (retryAfterMs !== undefined && retryAfterMs > this.#baseMs + this.#penaltyMs) {
      this.#baseMs = retryAfterMs - this.#penaltyMs;
    }
  }

  /**
   * Whether an immediate, unscheduled poll (a re-run of the call in `consent: 'throw'` mode) is polite:
   * at least `minIntervalMs` plus any slow-down penalty since the last poll started.
   */
  mayPollNow(now: number): boolean {
    if (this.#lastPollStart === undefined) return true;
    return now - this.#lastPollStart >= this.#min + this.#penaltyMs;
  }

  /**
   * Milliseconds to sleep before the next poll, given the clock and the deadline (epoch ms). Never
   * negative; never beyond the deadline.
   */
  delay(now: number, deadline: number): number {
    let wait = this.intervalMs;
    if (this.#lastPollStart !== undefined) {
      const sinceLast = now - this.#lastPollStart;
      wait = Math.max(wait, this.#min - sinceLast);
    }
    wait = Math.min(wait, this.#max);
    return Math.max(0, Math.min(wait, deadline - now));
  }
}
