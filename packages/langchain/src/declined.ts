/** A consent that ended without access, as the model and the caller see it. */
import { AAuthError, ConsentDeniedError } from '@aauth-kit/core';
import { ToolMessage } from '@langchain/core/messages';
import { type ConsentDeclined, describeDeclined } from './consent-errors.js';
import type { ResolvedOptions } from './options.js';

/** `ToolMessage.artifact` of a declined call: not sent to the model, available to the app. */
export interface AAuthDeclinedArtifact extends ConsentDeclined {
  type: 'aauth.consent_declined';
}

/** The error ToolMessage the model reads instead of the tool's result. */
export function declinedToolMessage(
  declined: ConsentDeclined,
  options: ResolvedOptions,
  toolCall: { id: string; name: string },
): ToolMessage {
  const artifact: AAuthDeclinedArtifact = { type: 'aauth.consent_declined', ...declined };
  return new ToolMessage({
    content: (options.declinedMessage ?? describeDeclined)(declined),
    tool_call_id: toolCall.id,
    name: toolCall.name,
    status: 'error',
    artifact,
  });
}

/**
 * For a call that is not a tool call (no id to answer): the client's own error, or a
 * ConsentDeniedError with `error: 'declined'` when the resume said no.
 */
export function declinedError(declined: ConsentDeclined, original: unknown): Error {
  if (original instanceof AAuthError) return original;
  if (original instanceof Error && typeof (original as { code?: unknown }).code === 'string') return original;
  return new ConsentDeniedError(declined.resource, declined.error ?? declined.reason);
}
