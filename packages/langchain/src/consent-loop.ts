/**
 * One tool call under AAuth: run it inside the client's scope and, when a person has to consent, pause
 * (LangGraph interrupt) or wait, then run it again. Resuming re-runs the whole node, so "run it again"
 * is also how a resumed call starts: the client finds its remembered pending consent on the next 401
 * and polls it instead of asking the Person Server anew. No protocol logic here: signing, challenges
 * and polling are the client's.
 */
import { ConfigurationError } from '@aauth-kit/core';
import { interrupt, isGraphBubbleUp } from '@langchain/langgraph';
import {
  type ConsentDeclined,
  type ConsentNeeded,
  consentDeclinedBy,
  consentNeededBy,
} from './consent-errors.js';
import { type AAuthResume, readResume, toInterruptValue } from './interrupt-value.js';
import type { ResolvedOptions } from './options.js';
import { runWithAAuth } from './scope.js';

/** The tool call being run (for the interrupt value and the declined ToolMessage). */
export interface ToolCallInfo {
  name: string;
  callId: string | undefined;
  signal: AbortSignal | undefined;
}

export type ToolCallOutcome<T> =
  | { kind: 'done'; value: T }
  /** `error`: the client's error that ended the consent (absent when the resume said no). */
  | { kind: 'declined'; declined: ConsentDeclined; error?: unknown };

/**
 * Bound on consecutive consents one call may go through in `wait` mode (a step-up may legitimately
 * need a second one); beyond it the server is looping and the call fails with the last error.
 */
export const MAX_CONSENT_ROUNDS = 4;

export async function runToolCall<T>(
  options: ResolvedOptions,
  tool: ToolCallInfo,
  attempt: () => Promise<T>,
): Promise<ToolCallOutcome<T>> {
  let last: ConsentNeeded | undefined;
  for (let round = 0; ; round++) {
    let failure: unknown;
    try {
      return { kind: 'done', value: await runWithAAuth(options.client, attempt) };
    } catch (error) {
      failure = error;
    }
    // Interrupts (ours from a nested wrapper, or the tool's own) and Command bubbles pass untouched.
    if (isGraphBubbleUp(failure)) throw failure;
    const declined = consentDeclinedBy(failure);
    if (declined !== undefined) {
      return { kind: 'declined', declined: withScope(declined, last), error: failure };
    }
    const needed = consentNeededBy(failure, options.client, options.resource);
    if (needed === undefined) throw failure;
    last = needed;
    if (options.consent === 'interrupt') {
      const answer = pause(needed, tool, failure);
      if (!answer.approved) return { kind: 'declined', declined: declinedByResume(needed) };
      // Approved: run again. The re-run polls the pending consent; still pending → interrupt again.
      continue;
    }
    if (round >= MAX_CONSENT_ROUNDS) throw failure;
    const ended = await waitForConsent(options, needed, tool.signal);
    if (ended !== undefined) {
      return { kind: 'declined', declined: withScope(ended.declined, needed), error: ended.error };
    }
  }
}

/** LangGraph `interrupt()` with the consent; returns the resume value once the run is resumed. */
function pause(needed: ConsentNeeded, tool: ToolCallInfo, consentError: unknown): AAuthResume {
  const value = toInterruptValue(needed.interaction, needed.pending, tool);
  let resume: unknown;
  try {
    resume = interrupt(value);
  } catch (error) {
    if (isGraphBubbleUp(error)) throw error;
    // Not inside a LangGraph run with a checkpointer: nothing can pause, so say how to fix it.
    throw new ConfigurationError(
      `tool ${tool.name} needs consent (${value.interactionUrl ?? 'approval'}), but consent: 'interrupt' only works ` +
        "inside a LangGraph run with a checkpointer and a thread_id; use consent: 'wait' outside one " +
        `(${error instanceof Error ? error.message : String(error)})`,
      { cause: consentError },
    );
  }
  return readResume(resume);
}

/**
 * Blocks until the consent completes. Undefined when the call should simply run again (approved, or
 * the pending request is gone because a parallel call already collected it); the declined outcome when
 * the person said no or the request expired.
 */
async function waitForConsent(
  options: ResolvedOptions,
  needed: ConsentNeeded,
  signal: AbortSignal | undefined,
): Promise<{ declined: ConsentDeclined; error: unknown } | undefined> {
  // Already completed by a parallel call: its token is cached, the re-run uses it.
  if (options.client.pendingConsent(needed.pending.resource) === undefined) return undefined;
  try {
    await options.client.waitForConsent(needed.pending, signal === undefined ? {} : { signal });
    return undefined;
  } catch (error) {
    const declined = consentDeclinedBy(error);
    if (declined === undefined) throw error;
    return declined.reason === 'gone' ? undefined : { declined, error };
  }
}

function declinedByResume(needed: ConsentNeeded): ConsentDeclined {
  return {
    reason: 'declined',
    resource: needed.interaction.resource,
    scope: [...needed.interaction.scope],
  };
}

/** Denial errors do not carry the scope; the consent they end does. */
function withScope(declined: ConsentDeclined, needed: ConsentNeeded | undefined): ConsentDeclined {
  if (declined.scope.length > 0 || needed === undefined) return declined;
  if (needed.interaction.resource !== declined.resource) return declined;
  return { ...declined, scope: [...needed.interaction.scope] };
}
