/**
 * Resource-side errors. Each extends core's `AAuthError`, so callers catch the whole toolkit with one
 * `instanceof AAuthError` and tell cases apart by the stable `code`.
 */
import { AAuthError, type AAuthErrorOptions } from '@aauth-kit/core';

/** Which challenge a 401 carries in `AAuth-Requirement` (P11 #requirement-values). */
export type ChallengeRequirement = 'agent-token' | 'person-token' | 'auth-token';

/**
 * The request was verified but the token it presented does not satisfy the route: the response is a 401
 * with `AAuth-Requirement` telling the agent which token to come back with.
 */
export class AuthorizationRequiredError extends AAuthError {
  static override readonly code = 'ERR_AUTHORIZATION_REQUIRED';
  readonly requirement: ChallengeRequirement;
  /** The resource token sent with an `auth-token` challenge. */
  readonly resourceToken: string | undefined;
  constructor(
    requirement: ChallengeRequirement,
    message: string,
    resourceToken?: string,
    options?: AAuthErrorOptions,
  ) {
    super(message, options);
    this.requirement = requirement;
    this.resourceToken = resourceToken;
  }
}

/**
 * A valid person token from a Person Server this resource does not trust (`trustedPersonServers`). The
 * person is authenticated, the resource refuses to work with their PS: a 403, never a Signature-Error.
 */
export class UntrustedPersonServerError extends AAuthError {
  static override readonly code = 'ERR_UNTRUSTED_PERSON_SERVER';
  readonly issuer: string;
  constructor(issuer: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.issuer = issuer;
  }
}

/** The request body is larger than the configured limit (answered 413). */
export class PayloadTooLargeError extends AAuthError {
  static override readonly code = 'ERR_PAYLOAD_TOO_LARGE';
  readonly limit: number;
  constructor(limit: number, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.limit = limit;
  }
}

/** A request to the authorization endpoint is malformed (P11 #authorization-endpoint-request, 400). */
export class AuthorizationRequestError extends AAuthError {
  static override readonly code = 'ERR_AUTHORIZATION_REQUEST';
  /** The problem-details `error` code: `invalid_request` or `invalid_scope`. */
  readonly error: 'invalid_request' | 'invalid_scope';
  constructor(error: 'invalid_request' | 'invalid_scope', message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.error = error;
  }
}

/**
 * The `Authorization: AAuth <token>` session token is malformed, unknown, expired or bound to another agent
 * key (P11 #aauth-access). The signature and agent token verified, so this is not a Signature-Error: a 401
 * `invalid_session` problem with `AAuth-Requirement: requirement=agent-token` (start over with the agent
 * token alone).
 */
export class InvalidSessionError extends AAuthError {
  static override readonly code = 'ERR_INVALID_SESSION';
}
