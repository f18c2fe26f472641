/**
 * Dev-server errors. Each extends core's `AAuthError`, so callers catch the whole toolkit with one
 * `instanceof AAuthError` and tell cases apart by the stable `code`.
 */
import { AAuthError, type AAuthErrorOptions } from '@aauth-kit/core';
import type { ProblemCode } from './constants.js';

/**
 * An endpoint refuses the request: carries everything the RFC 9457 answer needs. Handlers throw it and
 * the server turns it into `application/problem+json`, so no code path can answer a 4xx without a body.
 */
export class HttpProblemError extends AAuthError {
  static override readonly code = 'ERR_DEV_SERVER_HTTP_PROBLEM';
  readonly status: number;
  /** The stable problem `error` code. */
  readonly error: ProblemCode | string;
  /** Extra response headers (Signature-Error, Retry-After, Allow, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** Problem `type`, when the code has a registered URN (signature errors). */
  readonly type: string | undefined;
  /** Extra members of the problem body (e.g. `required_input`). */
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(
    status: number,
    error: ProblemCode | string,
    detail: string,
    init: {
      headers?: Record<string, string>;
      type?: string;
      extensions?: Record<string, unknown>;
    } & AAuthErrorOptions = {},
  ) {
    super(detail, init);
    this.status = status;
    this.error = error;
    this.headers = init.headers ?? {};
    this.type = init.type;
    this.extensions = init.extensions ?? {};
  }
}

/** The simulated user was given a code or URL that names no interaction awaiting a decision. */
export class UnknownInteractionError extends AAuthError {
  static override readonly code = 'ERR_UNKNOWN_INTERACTION';
  readonly input: string;
  constructor(input: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.input = input;
  }
}

/** `simulatedUser.next()` gave up: its timeout elapsed, its signal fired, or the server closed. */
export class InteractionWaitError extends AAuthError {
  static override readonly code = 'ERR_INTERACTION_WAIT';
}

/** `registerAgent` was asked for an agent identifier that another key already holds. */
export class AgentExistsError extends AAuthError {
  static override readonly code = 'ERR_AGENT_EXISTS';
  readonly agentId: string;
  constructor(agentId: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.agentId = agentId;
  }
}
