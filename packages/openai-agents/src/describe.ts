/**
 * What the model reads when a tool call could not be authorized: the SDK's default error text says
 * nothing ("An error occurred while running the tool"), so the model cannot tell the user to open a
 * consent link or stop retrying a denied request. Texts are built from the error's own fields (codes,
 * identifiers, the interaction URL), never from free-form server text.
 */
import {
  AAuthError,
  AbortedError,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  type Interaction,
  InteractionGoneError,
  TimeoutError,
} from '@aauth-kit/core';
import type { ConsentMode } from './options.js';

/** The SDK's own fallback text (not exported by `@openai/agents`). */
export const DEFAULT_TOOL_ERROR_TEXT = 'An error occurred while running the tool. Please try again.';

export interface DescribeContext {
  /** The tool the model called (named in "call it again"). */
  toolName?: string;
  /** `'approval'`: the app asks the person itself once the model calls the tool again. */
  consent?: ConsentMode;
}

const MAX_CAUSE_DEPTH = 5;

/** The first AAuthError in `error` or its `cause` chain. */
export function findAAuthError(error: unknown): AAuthError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (current instanceof AAuthError) return current;
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

function scopeText(scope: readonly string[]): string {
  return scope.length === 0 ? '' : ` (scope: ${scope.join(' ')})`;
}

function again(context: DescribeContext): string {
  return context.toolName === undefined ? 'call the tool again' : `call ${context.toolName} again`;
}

/** "consent required" for an interaction, as the model should relay it. */
export function describeInteraction(interaction: Interaction, context: DescribeContext = {}): string {
  const what = `access to ${interaction.resource}${scopeText(interaction.scope)}`;
  const where =
    interaction.interactionUrl === undefined
      ? 'The request is waiting for their approval through their Person Server.'
      : `Approval link: ${interaction.interactionUrl}${interaction.code === undefined ? '' : ` (code ${interaction.code})`}.`;
  if (context.consent === 'approval') {
    return `AAuth consent required: the user must approve ${what}. ${where} To continue, ${again(context)} with the same arguments; the user will be asked to confirm once they have approved.`;
  }
  return `AAuth consent required: the user must approve ${what}. ${where} Ask the user to approve, then ${again(context)}.`;
}

/**
 * A model-visible description of an AAuth failure in `error` (or its cause chain); `undefined` when the
 * error is not an AAuth one, so the caller's own error text applies.
 */
export function describeAAuthError(error: unknown, context: DescribeContext = {}): string | undefined {
  const found = findAAuthError(error);
  if (found === undefined) return undefined;
  if (found instanceof ConsentRequiredError) return describeInteraction(found.interaction, context);
  if (found instanceof ConsentDeniedError) {
    return `AAuth consent denied: the user did not grant access to ${found.resource} (${found.error}). Do not retry unless the user asks you to.`;
  }
  if (found instanceof ConsentExpiredError) {
    return `AAuth consent expired: nobody approved access to ${found.resource} in time. Calling the tool again starts a new consent request.`;
  }
  if (found instanceof InteractionGoneError) {
    return `AAuth consent request for ${found.resource} no longer exists (${found.error}). Calling the tool again starts a new consent request.`;
  }
  if (found instanceof TimeoutError) {
    return `AAuth authorization timed out (${found.code}). Tell the user the call could not be authorized in time.`;
  }
  if (found instanceof AbortedError) return `The tool call was cancelled (${found.code}).`;
  return `AAuth authorization failed (${found.code}). Tell the user the tool could not be authorized.`;
}
