/**
 * Errors of the agent client. Every failure a caller can act on has its own class and stable `code`;
 * transport-level failures reuse the core's TimeoutError, AbortedError, NetworkError and
 * ConfigurationError.
 */
import { AAuthError, type AAuthErrorOptions } from '../errors.js';
import type { Interaction, PendingConsent, ProblemInfo } from './types.js';

/**
 * `consent: 'throw'` mode: a person has to act before the call can go on. The client remembers
 * `pending`; running the same call again polls it (or `client.waitForConsent(pending)` waits for it).
 */
export class ConsentRequiredError extends AAuthError {
  static override readonly code = 'ERR_CONSENT_REQUIRED';
  /** What to show the person. For an `approval` (no URL to visit) `interaction.url` is undefined. */
  readonly interaction: Interaction;
  readonly pending: PendingConsent;
  constructor(interaction: Interaction, pending: PendingConsent, options?: AAuthErrorOptions) {
    super(
      interaction.interactionUrl === undefined
        ? `consent required for ${interaction.resource}: waiting for approval`
        : `consent required for ${interaction.resource}: visit ${interaction.interactionUrl}`,
      options,
    );
    this.interaction = interaction;
    this.pending = pending;
  }
}

/**
 * The consent ended without a token: HTTP 403 `denied` / `abandoned` / `revoked` / `user_unreachable`
 * (or `cancelled` when `onClarification` answered `null` and the client cancelled the request).
 */
export class ConsentDeniedError extends AAuthError {
  static override readonly code = 'ERR_CONSENT_DENIED';
  /** The problem `error` code (`denied`, `abandoned`, `revoked`, `user_unreachable`, `cancelled`, ...). */
  readonly error: string;
  readonly status: number | undefined;
  readonly problem: ProblemInfo | undefined;
  readonly resource: string;
  constructor(
    resource: string,
    error: string,
    status?: number,
    problem?: ProblemInfo,
    options?: AAuthErrorOptions,
  ) {
    super(`consent for ${resource} ended: ${error}${problem?.detail ? ` (${problem.detail})` : ''}`, options);
    this.error = error;
    this.status = status;
    this.problem = problem;
    this.resource = resource;
  }
}

/** HTTP 408 `expired` while polling: the pending request timed out at the server. Starting over may work. */
export class ConsentExpiredError extends AAuthError {
  static override readonly code = 'ERR_CONSENT_EXPIRED';
  readonly problem: ProblemInfo | undefined;
  readonly resource: string;
  constructor(resource: string, problem?: ProblemInfo, options?: AAuthErrorOptions) {
    super(`consent for ${resource} expired at the server`, options);
    this.problem = problem;
    this.resource = resource;
  }
}

/** HTTP 410 while polling (`invalid_code` or gone): the pending request no longer exists. Do not retry it. */
export class InteractionGoneError extends AAuthError {
  static override readonly code = 'ERR_INTERACTION_GONE';
  readonly error: string;
  readonly problem: ProblemInfo | undefined;
  readonly resource: string;
  constructor(resource: string, problem?: ProblemInfo, options?: AAuthErrorOptions) {
    super(`pending request for ${resource} is gone (${problem?.error ?? 'gone'})`, options);
    this.error = problem?.error ?? 'gone';
    this.problem = problem;
    this.resource = resource;
  }
}

/**
 * A peer answered something the protocol does not allow: an unexpected status or body shape, a 202
 * without `Location`, a cross-origin `Location`, a resource token that fails the agent's checks.
 */
export class ProtocolError extends AAuthError {
  static override readonly code = 'ERR_PROTOCOL';
  readonly status: number | undefined;
  readonly problem: ProblemInfo | undefined;
  readonly url: string | undefined;
  constructor(
    message: string,
    details: { status?: number; problem?: ProblemInfo; url?: string } = {},
    options?: AAuthErrorOptions,
  ) {
    super(message, options);
    this.status = details.status;
    this.problem = details.problem;
    this.url = details.url;
  }
}

export interface PersonServerErrorOptions extends AAuthErrorOptions {
  /** The answer's `Retry-After`, in milliseconds from when it was received. */
  retryAfterMs?: number | undefined;
}

/** The Person Server answered 4xx/5xx to a token request or a poll; `error` is its problem code. */
export class PersonServerError extends AAuthError {
  static override readonly code = 'ERR_PERSON_SERVER';
  readonly status: number;
  /** Problem `error` (`invalid_request`, `invalid_resource_token`, `as_unreachable`, `server_error`, ...). */
  readonly error: string;
  readonly problem: ProblemInfo | undefined;
  readonly url: string;
  /** The answer's `Retry-After` in milliseconds, when it sent one (e.g. with 502 `as_unreachable`). */
  readonly retryAfterMs: number | undefined;
  constructor(url: string, status: number, problem?: ProblemInfo, options?: PersonServerErrorOptions) {
    const error = problem?.error ?? problem?.signatureError ?? `http_${status}`;
    super(
      `person server answered ${status} ${error}${problem?.detail ? `: ${problem.detail}` : ''}`,
      options,
    );
    this.status = status;
    this.error = error;
    this.problem = problem;
    this.url = url;
    this.retryAfterMs = options?.retryAfterMs;
  }
}
