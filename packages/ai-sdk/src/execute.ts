/**
 * Turns a tool body into the `execute` (and, in approval mode, the `needsApproval`) the AI SDK calls:
 * each call gets its own signed fetch (in `options.fetch` and through `aauthFetch`) and the consent
 * handling of the chosen mode.
 */
import { ConfigurationError } from '@aauth-kit/core';
import { ApprovalGate, type ApprovalQuery } from './approval.js';
import { type Attempt, type CallContext, executeStreaming, executeWaiting } from './call.js';
import { checkClient, runWithFetch, signedFetch } from './fetch.js';
import type {
  AAuthConsentMode,
  AAuthToolExecutionOptions,
  AAuthToolOptions,
  ToolCallOptionsLike,
} from './types.js';

const MODES: readonly AAuthConsentMode[] = ['wait', 'stream', 'approval'];
const DEFAULT_MAX_CONSENTS = 3;
/** The option names this package reads (stripped from tool definitions). */
export const AAUTH_OPTION_KEYS = ['client', 'mode', 'onConsent', 'consentTimeoutMs', 'maxConsents'] as const;

export type NormalizedOptions = Required<Pick<AAuthToolOptions, 'client' | 'maxConsents'>> & {
  mode: AAuthConsentMode;
  onConsent: AAuthToolOptions['onConsent'];
  consentTimeoutMs: number | undefined;
};

/** Validates the AAuth options; a bad value is a ConfigurationError at wrap time, not at call time. */
export function normalizeOptions(options: unknown, where: string): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`${where}: options with a client are required`);
  }
  const o = options as Partial<Record<(typeof AAUTH_OPTION_KEYS)[number], unknown>>;
  checkClient(o.client, where);
  const mode = o.mode ?? 'wait';
  if (!MODES.includes(mode as AAuthConsentMode)) {
    throw new ConfigurationError(`${where}: mode must be 'wait', 'stream' or 'approval'`);
  }
  if (o.onConsent !== undefined && typeof o.onConsent !== 'function') {
    throw new ConfigurationError(`${where}: onConsent must be a function`);
  }
  const timeout = o.consentTimeoutMs;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new ConfigurationError(`${where}: consentTimeoutMs must be a positive number`);
  }
  const max = o.maxConsents ?? DEFAULT_MAX_CONSENTS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new ConfigurationError(`${where}: maxConsents must be a positive integer`);
  }
  return {
    // Every mode waits, streams or asks itself (announcing each consent to onConsent, bounded by
    // consentTimeoutMs and maxConsents): it needs the consent raised to it, whatever mode the client
    // was created with. The view shares the client's key, caches and remembered consents.
    client: o.client.withConsent('throw'),
    mode: mode as AAuthConsentMode,
    onConsent: o.onConsent as AAuthToolOptions['onConsent'],
    consentTimeoutMs: timeout as number | undefined,
    maxConsents: max,
  };
}

/** A tool body: the user's execute, called with the SDK's options plus `fetch`. */
export type ToolBody = (input: unknown, options: AAuthToolExecutionOptions) => unknown;

export interface AAuthExecute {
  execute: (input: unknown, options: ToolCallOptionsLike) => unknown;
  /** Set in approval mode. */
  needsApproval?: (input: unknown, options: ApprovalQuery) => Promise<boolean>;
  gate?: ApprovalGate;
}

function isToolCallOptions(value: unknown): value is ToolCallOptionsLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toolCallId?: unknown }).toolCallId === 'string'
  );
}

/** `options` as the SDK passed them, or a minimal stand-in when called by hand without options. */
function callOptions(options: unknown): ToolCallOptionsLike {
  return isToolCallOptions(options) ? options : { toolCallId: '', messages: [] };
}

/**
 * `needsApproval` of the wrapped tool (`original`: the tool's own, kept when wrapping an existing tool).
 * A tool that always needs the person's approval keeps that; otherwise the gate decides.
 */
async function originalNeedsApproval(
  original: unknown,
  input: unknown,
  query: ApprovalQuery,
): Promise<boolean> {
  if (typeof original === 'function') return (await original(input, query)) === true;
  return original === true;
}

export function aauthExecute(
  body: ToolBody,
  options: NormalizedOptions,
  needsApproval?: unknown,
): AAuthExecute {
  const { client } = options;
  const attemptFor = (input: unknown, call: ToolCallOptionsLike): Attempt => {
    const fetch = signedFetch(client, call.abortSignal);
    const withFetch: AAuthToolExecutionOptions = { ...call, fetch };
    return () => runWithFetch(fetch, () => body(input, withFetch), client);
  };
  const contextFor = (call: ToolCallOptionsLike): CallContext => ({
    client,
    toolCallId: call.toolCallId,
    signal: call.abortSignal,
    onConsent: options.onConsent,
    consentTimeoutMs: options.consentTimeoutMs,
    maxConsents: options.maxConsents,
    announced: new Set(),
  });

  if (options.mode === 'stream') {
    return {
      execute: (input, raw) => {
        const call = callOptions(raw);
        return executeStreaming(attemptFor(input, call), contextFor(call));
      },
    };
  }
  if (options.mode === 'wait') {
    return {
      execute: (input, raw) => {
        const call = callOptions(raw);
        return executeWaiting(attemptFor(input, call), contextFor(call));
      },
    };
  }
  const gate = new ApprovalGate({ attemptFor, contextFor });
  return {
    gate,
    execute: (input, raw) => gate.execute(input, callOptions(raw)),
    needsApproval: async (input, query) => {
      if (needsApproval !== undefined && (await originalNeedsApproval(needsApproval, input, query)))
        return true;
      return (await gate.decide(input, query)).needsApproval;
    },
  };
}

/** Approval gates of the tools this package built, for `aauthToolApproval` and `aauthConsentFor`. */
const gates = new WeakMap<object, ApprovalGate>();

export function registerGate(tool: object, gate: ApprovalGate | undefined): void {
  if (gate !== undefined) gates.set(tool, gate);
}

export function gateOf(tool: unknown): ApprovalGate | undefined {
  return typeof tool === 'object' && tool !== null ? gates.get(tool) : undefined;
}
