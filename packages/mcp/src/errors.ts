/**
 * Errors of @aauth-kit/mcp. Each extends the core's AAuthError with a stable `code`. Errors that end a
 * consent (ConsentDeniedError, ConsentExpiredError, ...) come from the core client unchanged.
 */
import { AAuthError, type AAuthErrorOptions } from '@aauth-kit/core';

/** `consent: 'elicit'`: the host's URL elicitation handler answered `decline` or `cancel`. */
export class ConsentDeclinedError extends AAuthError {
  static override readonly code = 'ERR_CONSENT_DECLINED';
  /** What the host answered. */
  readonly action: 'decline' | 'cancel';
  /** The consent link the person was offered. */
  readonly url: string;
  constructor(action: 'decline' | 'cancel', url: string, options?: AAuthErrorOptions) {
    super(
      `the person ${action === 'decline' ? 'declined' : 'cancelled'} the consent page ${url}; the tool call was not made`,
      options,
    );
    this.action = action;
    this.url = url;
  }
}

/** A tool handler ran without a verified AAuth identity (the `aauthMcp` middleware is not mounted). */
export class AAuthIdentityMissingError extends AAuthError {
  static override readonly code = 'ERR_AAUTH_IDENTITY_MISSING';
}

/**
 * `requireScope`: the verified token does not grant a scope the tool needs. Declare the tool's scope in
 * `aauthMcp({ tools })` so the agent is challenged for it at the HTTP layer before the tool runs.
 */
export class InsufficientScopeError extends AAuthError {
  static override readonly code = 'ERR_INSUFFICIENT_SCOPE';
  /** The scopes the tool needs that the token does not grant. */
  readonly missing: readonly string[];
  constructor(missing: readonly string[], options?: AAuthErrorOptions) {
    super(
      `this tool needs the AAuth scope ${missing.join(' ')}, which the presented token does not grant`,
      options,
    );
    this.missing = missing;
  }
}
