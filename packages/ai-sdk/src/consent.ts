/**
 * Reading the client's consent errors: finding a `ConsentRequiredError` however a tool (or the MCP
 * client) wrapped it, describing it as a JSON value, and turning the ways a consent ends into one
 * readable `ConsentNotGrantedError`.
 */
import {
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  InteractionGoneError,
  TimeoutError,
} from '@aauth-kit/core';
import { ConsentNotGrantedError } from './errors.js';
import type { AAuthConsentRequired } from './types.js';

/** How deep to follow `cause` chains (tools and SDKs wrap errors a few times at most). */
const MAX_CAUSE_DEPTH = 8;

function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
}

/** The first error in `error`'s cause chain that `match` accepts. */
function findInChain<T>(error: unknown, match: (candidate: unknown) => candidate is T): T | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (match(current)) return current;
    current = causeOf(current);
  }
  return undefined;
}

function isConsentRequired(candidate: unknown): candidate is ConsentRequiredError {
  return candidate instanceof ConsentRequiredError;
}

/** The ConsentRequiredError behind `error` (itself, or a cause of a wrapping error), if any. */
export function consentRequiredIn(error: unknown): ConsentRequiredError | undefined {
  return findInChain(error, isConsentRequired);
}

/** The JSON description of a consent a tool call waits for. */
export function describeConsent(error: ConsentRequiredError): AAuthConsentRequired {
  const { interaction } = error;
  const scope = [...interaction.scope];
  const what = `${interaction.resource}${scope.length > 0 ? ` (${scope.join(' ')})` : ''}`;
  const consent: AAuthConsentRequired = {
    type: 'aauth.consent_required',
    message:
      interaction.interactionUrl === undefined
        ? `Waiting for the person to approve access to ${what}.`
        : `The person must approve access to ${what} at ${interaction.interactionUrl}` +
          `${interaction.code === undefined ? '' : ` (code ${interaction.code})`}.`,
    kind: interaction.kind,
    resource: interaction.resource,
    scope,
    expiresAt: interaction.expiresAt,
    pendingId: error.pending.id,
  };
  if (interaction.interactionUrl !== undefined) consent.interactionUrl = interaction.interactionUrl;
  if (interaction.url !== undefined) consent.url = interaction.url;
  if (interaction.code !== undefined) consent.code = interaction.code;
  return consent;
}

/** True for the preliminary result / payload this package produces (for UIs reading tool outputs). */
export function isAAuthConsentRequired(value: unknown): value is AAuthConsentRequired {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'aauth.consent_required' &&
    typeof (value as { resource?: unknown }).resource === 'string'
  );
}

type Terminal = ConsentDeniedError | ConsentExpiredError | InteractionGoneError;

function isTerminal(candidate: unknown): candidate is Terminal {
  return (
    candidate instanceof ConsentDeniedError ||
    candidate instanceof ConsentExpiredError ||
    candidate instanceof InteractionGoneError
  );
}

/**
 * `error` as the model should read it: a consent that ended without access becomes a
 * ConsentNotGrantedError (naming `consent`'s resource and scope when known); anything else is unchanged.
 */
export function readableConsentError(error: unknown, consent?: ConsentRequiredError): unknown {
  if (error instanceof ConsentNotGrantedError) return error;
  const terminal = findInChain(error, isTerminal);
  const scope = consent?.interaction.scope ?? [];
  if (terminal !== undefined) {
    const outcome =
      terminal instanceof ConsentDeniedError
        ? terminal.error
        : terminal instanceof ConsentExpiredError
          ? 'expired'
          : 'gone';
    return new ConsentNotGrantedError(terminal.resource, scope, outcome, { cause: error });
  }
  if (consent !== undefined && error instanceof TimeoutError) {
    return new ConsentNotGrantedError(consent.interaction.resource, scope, 'timeout', { cause: error });
  }
  return error;
}
