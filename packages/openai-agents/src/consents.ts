/**
 * The consents an `'approval'`-mode tool is waiting on, the tool calls paused for each, and their
 * serialized form (carried in the SDK-only `customData` of the tool output that met the consent, so
 * it travels inside `RunState.toString()` to another process).
 */
import { type Interaction, InvalidArgumentError, type PendingConsent } from '@aauth-kit/core';
import type { ConsentError } from './scope.js';

/** A consent an interrupted tool call waits on, as the app shows it to the person. */
export interface PendingToolConsent {
  toolName: string;
  /** The interrupted call (`interruption.rawItem.callId`). */
  callId: string | undefined;
  /** `'interaction'`: send the person to `interactionUrl`; `'approval'`: they decide elsewhere. */
  kind: Interaction['kind'];
  /** `{url}?code={code}`: the link to show. */
  interactionUrl: string | undefined;
  url: string | undefined;
  code: string | undefined;
  /** The resource (origin) and scope the consent is for. */
  resource: string;
  scope: string[];
  /** Epoch ms after which the client stops waiting for it. */
  expiresAt: number;
  /** JSON-serializable; `client.waitForConsent(pending)` of a client with the same key resumes it. */
  pending: PendingConsent;
}

export interface RememberedConsent {
  pending: PendingConsent;
  interaction: Interaction;
  /** Canonical arguments of the call that met it (re-calls with the same arguments map to it). */
  arguments: string | undefined;
  /** Epoch ms when the consent was requested (the Person Server's 202). */
  metAt: number;
  /** Set when a check found the consent ended (denied, expired, gone); the next call reports it. */
  failure?: ConsentError;
}

/** Key under which the adapter stores its record in a tool output's `customData`. */
export const CUSTOM_DATA_KEY = 'aauth';
const SERIALIZED_VERSION = 1;

export interface SerializedConsent {
  v: typeof SERIALIZED_VERSION;
  tool: string;
  arguments?: string;
  pending: PendingConsent;
  interaction: Interaction;
}

/** Canonical JSON of tool arguments (raw JSON text or parsed value). */
export function argumentsKey(value: unknown): string | undefined {
  try {
    return JSON.stringify(typeof value === 'string' ? JSON.parse(value) : value);
  } catch {
    return typeof value === 'string' ? value : undefined;
  }
}

/** A plain JSON copy (the client's handle is live and mutable). */
function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function serializeConsent(tool: string, consent: RememberedConsent): SerializedConsent {
  return {
    v: SERIALIZED_VERSION,
    tool,
    ...(consent.arguments === undefined ? {} : { arguments: consent.arguments }),
    pending: snapshot(consent.pending),
    interaction: snapshot(consent.interaction),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function checkPending(value: unknown): PendingConsent {
  if (
    !isRecord(value) ||
    typeof value.id !== 'string' ||
    (value.kind !== 'person-token' && value.kind !== 'auth-token' && value.kind !== 'resource') ||
    typeof value.resource !== 'string' ||
    !isStringArray(value.scope) ||
    typeof value.pollUrl !== 'string' ||
    typeof value.createdAt !== 'number' ||
    typeof value.expiresAt !== 'number'
  ) {
    throw new InvalidArgumentError('saved AAuth consent has no valid pending consent');
  }
  return value as unknown as PendingConsent;
}

function checkInteraction(value: unknown): Interaction {
  if (
    !isRecord(value) ||
    (value.kind !== 'interaction' && value.kind !== 'approval') ||
    typeof value.resource !== 'string' ||
    !isStringArray(value.scope) ||
    (value.interactionUrl !== undefined && typeof value.interactionUrl !== 'string') ||
    (value.url !== undefined && typeof value.url !== 'string') ||
    (value.code !== undefined && typeof value.code !== 'string')
  ) {
    throw new InvalidArgumentError('saved AAuth consent has no valid interaction');
  }
  return value as unknown as Interaction;
}

/** The adapter's record in a tool output's customData; undefined when there is none, typed error when malformed. */
export function readSerializedConsent(customData: unknown): SerializedConsent | undefined {
  if (!isRecord(customData) || !(CUSTOM_DATA_KEY in customData)) return undefined;
  const value = customData[CUSTOM_DATA_KEY];
  if (!isRecord(value) || value.v !== SERIALIZED_VERSION || typeof value.tool !== 'string') {
    throw new InvalidArgumentError('saved AAuth consent has an unknown shape');
  }
  if (value.arguments !== undefined && typeof value.arguments !== 'string') {
    throw new InvalidArgumentError('saved AAuth consent has invalid arguments');
  }
  return {
    v: SERIALIZED_VERSION,
    tool: value.tool,
    ...(value.arguments === undefined ? {} : { arguments: value.arguments }),
    pending: checkPending(value.pending),
    interaction: checkInteraction(value.interaction),
  };
}

export function toHandle(
  toolName: string,
  callId: string | undefined,
  consent: RememberedConsent,
): PendingToolConsent {
  const { interaction, pending } = consent;
  return {
    toolName,
    callId,
    kind: interaction.kind,
    interactionUrl: interaction.interactionUrl,
    url: interaction.url,
    code: interaction.code,
    resource: pending.resource,
    scope: [...pending.scope],
    expiresAt: pending.expiresAt,
    pending,
  };
}

/** Per-tool memory: consents by pending id, paused calls by call id, first-attempt outputs by call id. */
export class ConsentMemory {
  readonly #consents = new Map<string, RememberedConsent>();
  readonly #paused = new Map<string, string>();
  readonly #outputs = new Map<string, RememberedConsent>();

  /** Remembers `consent` (once per pending id) and returns the record kept. */
  remember(consent: RememberedConsent): RememberedConsent {
    const existing = this.#consents.get(consent.pending.id);
    if (existing !== undefined) return existing;
    this.#consents.set(consent.pending.id, consent);
    return consent;
  }

  has(pendingId: string): boolean {
    return this.#consents.has(pendingId);
  }

  forget(consent: RememberedConsent): void {
    const id = consent.pending.id;
    this.#consents.delete(id);
    for (const [callId, pendingId] of this.#paused) if (pendingId === id) this.#paused.delete(callId);
  }

  /** Drops consents the client no longer waits for. */
  prune(now: number): void {
    for (const consent of this.#consents.values()) if (now >= consent.pending.expiresAt) this.forget(consent);
  }

  /** The consent for a call with these arguments: the one met with the same arguments, else the newest. */
  match(key: string | undefined): RememberedConsent | undefined {
    let newest: RememberedConsent | undefined;
    for (const consent of this.#consents.values()) {
      if (key !== undefined && consent.arguments === key) return consent;
      if (newest === undefined || consent.pending.createdAt >= newest.pending.createdAt) newest = consent;
    }
    return newest;
  }

  pause(callId: string, consent: RememberedConsent): void {
    this.#paused.set(callId, consent.pending.id);
  }

  paused(callId: string | undefined): RememberedConsent | undefined {
    if (callId === undefined) return undefined;
    const id = this.#paused.get(callId);
    return id === undefined ? undefined : this.#consents.get(id);
  }

  /** Marks the output of `callId` as the one that met `consent` (its customData carries it). */
  metIn(callId: string, consent: RememberedConsent): void {
    this.#outputs.set(callId, consent);
  }

  /** Takes the consent met by the output of `callId`, once. */
  takeOutput(callId: string): RememberedConsent | undefined {
    const consent = this.#outputs.get(callId);
    this.#outputs.delete(callId);
    return consent;
  }
}
