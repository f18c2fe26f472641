/** Settings shared by `aauthTool` and `withAAuth`, and their validation. */
import { type AAuthClient, ConfigurationError, type Interaction } from '@aauth-kit/core';
import type { RunContext } from '@openai/agents';

/**
 * How a tool call that needs a person's consent behaves:
 * - `'wait'`: the call blocks and polls until the person decides (the URL reaches the person through
 *   the client's or the tool's `onInteraction`);
 * - `'approval'`: the run pauses with a `RunToolApprovalItem` interruption, resumed with
 *   `state.approve(item)` and `run(agent, state)` (the tool uses the client's `'throw'` view, whatever
 *   mode the client was created with).
 */
export type ConsentMode = 'wait' | 'approval';

/** The tool call a consent belongs to. */
export interface ToolCallInfo {
  toolName: string;
  callId: string | undefined;
  runContext: RunContext<unknown> | undefined;
}

export interface AAuthToolSettings {
  /** The agent client (`createAAuthClient`) whose signed fetch the tool uses. */
  client: AAuthClient;
  /** Default `'wait'`. */
  consent?: ConsentMode;
  /** Called once per consent the tool meets, with the call it met it in (besides the client's own). */
  onInteraction?: (interaction: Interaction, call: ToolCallInfo) => void | Promise<void>;
  /**
   * `'approval'` mode: how long an approved call waits for the consent to complete before telling the
   * model it is still pending (default 30 s). The person normally decided before the app approved.
   */
  resumeTimeoutMs?: number;
}

export interface ResolvedSettings {
  /** The client the tool calls through: as given in `'wait'` mode, its `'throw'` view in `'approval'`. */
  client: AAuthClient;
  consent: ConsentMode;
  onInteraction: AAuthToolSettings['onInteraction'];
  resumeTimeoutMs: number;
}

export const DEFAULT_RESUME_TIMEOUT_MS = 30_000;

/**
 * `'approval'` mode checks whether a remembered consent completed (one poll) only once it is this old:
 * earlier polls would come before the Person Server's Retry-After.
 */
export const MIN_CHECK_DELAY_MS = 1_000;

/** Consents one call may wait through in `'wait'` mode (a tool may touch several resources). */
export const MAX_CONSENTS_PER_CALL = 3;

function isClient(value: unknown): value is AAuthClient {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof AAuthClient, unknown>>;
  return (
    typeof candidate.fetch === 'function' &&
    typeof candidate.withConsent === 'function' &&
    typeof candidate.waitForConsent === 'function' &&
    typeof candidate.pollConsentOnce === 'function' &&
    typeof candidate.pendingConsent === 'function'
  );
}

export function resolveSettings(settings: AAuthToolSettings): ResolvedSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigurationError('AAuth tool settings are required ({ client })');
  }
  if (!isClient(settings.client)) {
    throw new ConfigurationError('client must be an AAuth client (createAAuthClient from @aauth-kit/core)');
  }
  const consent = settings.consent ?? 'wait';
  if (consent !== 'wait' && consent !== 'approval') {
    throw new ConfigurationError("consent must be 'wait' or 'approval'");
  }
  if (settings.onInteraction !== undefined && typeof settings.onInteraction !== 'function') {
    throw new ConfigurationError('onInteraction must be a function');
  }
  const resumeTimeoutMs = settings.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS;
  if (typeof resumeTimeoutMs !== 'number' || !Number.isFinite(resumeTimeoutMs) || resumeTimeoutMs <= 0) {
    throw new ConfigurationError('resumeTimeoutMs must be a positive number');
  }
  // 'approval' needs the ConsentRequiredError a 'wait' client would never raise; the view shares the
  // client's key, caches and remembered consents. 'wait' keeps the app's choice: a 'wait' client blocks
  // inside the fetch (no re-run), a 'throw' client is waited out by the tool.
  const client = consent === 'approval' ? settings.client.withConsent('throw') : settings.client;
  return { client, consent, onInteraction: settings.onInteraction, resumeTimeoutMs };
}
