/**
 * Errors a wrapped tool throws. The AI SDK turns a thrown error into a `tool-error` and shows its
 * `message` to the model, so each message says what happened and what (not) to do next.
 */
import { AAuthError, type AAuthErrorOptions } from '@aauth-kit/core';

/** Why a consent ended without access: the Person Server's code, or the client's own bound. */
export type ConsentOutcome =
  | 'denied'
  | 'abandoned'
  | 'revoked'
  | 'user_unreachable'
  | 'cancelled'
  | 'expired'
  | 'gone'
  | 'timeout'
  | (string & {});

/** The person did not grant access (denied, expired, gone, timed out): the tool call was not performed. */
export class ConsentNotGrantedError extends AAuthError {
  static override readonly code = 'ERR_CONSENT_NOT_GRANTED';
  readonly outcome: ConsentOutcome;
  readonly resource: string;
  readonly scope: readonly string[];
  constructor(
    resource: string,
    scope: readonly string[],
    outcome: ConsentOutcome,
    options?: AAuthErrorOptions,
  ) {
    super(
      `Access to ${resource}${scope.length > 0 ? ` (${scope.join(' ')})` : ''} was not granted: ${describeOutcome(outcome)}. ` +
        'The tool call was not performed. Tell the user; do not retry unless they ask.',
      options,
    );
    this.outcome = outcome;
    this.resource = resource;
    this.scope = [...scope];
  }
}

/** One tool call kept running into new consents (more than `maxConsents`). */
export class TooManyConsentsError extends AAuthError {
  static override readonly code = 'ERR_TOO_MANY_CONSENTS';
  readonly resource: string;
  constructor(resource: string, maxConsents: number, options?: AAuthErrorOptions) {
    super(
      `The tool call needed more than ${maxConsents} consents for ${resource} and was stopped. ` +
        'The tool call was not completed.',
      options,
    );
    this.resource = resource;
  }
}

function describeOutcome(outcome: ConsentOutcome): string {
  switch (outcome) {
    case 'denied':
      return 'the person denied the request';
    case 'abandoned':
      return 'the person abandoned the consent page';
    case 'revoked':
      return 'the grant was revoked';
    case 'user_unreachable':
      return 'the person could not be reached';
    case 'cancelled':
      return 'the request was cancelled';
    case 'expired':
      return 'the consent request expired before the person answered';
    case 'gone':
      return 'the consent request no longer exists';
    case 'timeout':
      return 'the person did not answer in time';
    default:
      return `the consent ended (${outcome})`;
  }
}
