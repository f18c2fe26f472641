/**
 * The value a paused tool call raises with LangGraph's `interrupt()`, and the resume value it expects.
 * Both are plain JSON: they are stored by the checkpointer and may cross a process boundary.
 */
import { type Interaction, InvalidArgumentError, type PendingConsent } from '@aauth-kit/core';

export const AAUTH_INTERRUPT_TYPE = 'aauth.consent_required';

/** `result.__interrupt__[i].value` (and `state.tasks[i].interrupts[j].value`) of a consent pause. */
export interface AAuthInterruptValue {
  type: typeof AAUTH_INTERRUPT_TYPE;
  /**
   * The link to show the person (`{url}?code={code}`); absent when the consent is approved out of band.
   * Named as in the core client's `Interaction`.
   */
  interactionUrl?: string;
  /** The raw interaction endpoint (without the code), for "go to this page and enter the code" screens. */
  url?: string;
  /** The interaction code. */
  code?: string;
  /** The resource (origin) the consent is for. */
  resource: string;
  /** Scopes requested (empty for a person-token consent). */
  scope: string[];
  /** `interaction`: someone must visit `interactionUrl`; `approval`: the Person Server reaches the person itself. */
  kind: 'interaction' | 'approval';
  /** Id of the client's pending consent: parallel tool calls waiting on one consent share it. */
  pendingId: string;
  /** Epoch ms after which the client gives up on this consent. */
  expiresAt: number;
  /** The tool call that paused. */
  toolName: string;
  toolCallId?: string;
}

/** Resume with `new Command({ resume: { approved: true } })` (or `false` to decline without waiting). */
export interface AAuthResume {
  approved: boolean;
}

export function toInterruptValue(
  interaction: Interaction,
  pending: PendingConsent,
  tool: { name: string; callId: string | undefined },
): AAuthInterruptValue {
  const value: AAuthInterruptValue = {
    type: AAUTH_INTERRUPT_TYPE,
    resource: interaction.resource,
    scope: [...interaction.scope],
    kind: interaction.kind,
    pendingId: pending.id,
    expiresAt: pending.expiresAt,
    toolName: tool.name,
  };
  if (interaction.interactionUrl !== undefined) value.interactionUrl = interaction.interactionUrl;
  if (interaction.url !== undefined) value.url = interaction.url;
  if (interaction.code !== undefined) value.code = interaction.code;
  if (tool.callId !== undefined) value.toolCallId = tool.callId;
  return value;
}

export function isAAuthInterrupt(value: unknown): value is AAuthInterruptValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AAuthInterruptValue>;
  return v.type === AAUTH_INTERRUPT_TYPE && typeof v.pendingId === 'string' && typeof v.resource === 'string';
}

/**
 * The distinct consents among a run's interrupts (`result.__interrupt__`, or the `interrupts` of
 * `getState().tasks`): parallel tool calls that wait on the same consent appear once. Other
 * interrupts (human-in-the-loop approvals, your own) are left out.
 */
export function getAAuthInterrupts(
  interrupts: readonly { value?: unknown }[] | undefined | null,
): AAuthInterruptValue[] {
  const seen = new Set<string>();
  const distinct: AAuthInterruptValue[] = [];
  for (const entry of interrupts ?? []) {
    const value = entry?.value;
    if (!isAAuthInterrupt(value) || seen.has(value.pendingId)) continue;
    seen.add(value.pendingId);
    distinct.push(value);
  }
  return distinct;
}

/** Reads a resume value; anything but `{ approved: boolean }` is a caller bug, reported as such. */
export function readResume(value: unknown): AAuthResume {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { approved?: unknown }).approved === 'boolean'
  ) {
    return { approved: (value as AAuthResume).approved };
  }
  throw new InvalidArgumentError(
    `an AAuth consent pause must be resumed with { approved: boolean }, got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value).slice(0, 100);
  } catch {
    return typeof value;
  }
}
