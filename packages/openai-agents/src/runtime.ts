/**
 * Consent handling for one tool, whatever built it (`aauthTool` or `withAAuth`):
 * - every attempt runs in a call scope (signed fetch, consent errors recorded);
 * - `'wait'`: a ConsentRequiredError (client in `'throw'` mode) is waited out with
 *   `client.waitForConsent` and the call re-runs; a `'wait'` client blocks inside the fetch itself;
 * - `'approval'`: the consent is remembered and the model told to call again; while it is pending,
 *   `needsApproval` answers true so the re-call becomes a `RunToolApprovalItem`; once the app approves,
 *   the call waits (bounded) for the remembered consent and runs with the token it produced.
 * Protocol work (signing, challenges, polling) is the client's; this only decides when to ask it.
 */
import {
  ConsentRequiredError,
  InteractionGoneError,
  type PendingConsent,
  TimeoutError,
} from '@aauth-kit/core';
import {
  argumentsKey,
  ConsentMemory,
  type PendingToolConsent,
  type RememberedConsent,
  type SerializedConsent,
  serializeConsent,
  toHandle,
} from './consents.js';
import {
  MAX_CONSENTS_PER_CALL,
  MIN_CHECK_DELAY_MS,
  type ResolvedSettings,
  type ToolCallInfo,
} from './options.js';
import { type AAuthFetch, type CallScope, createScope, isConsentError, runInScope } from './scope.js';

export interface CallContext extends ToolCallInfo {
  signal: AbortSignal | undefined;
}

/**
 * When the consent's request was made (the handle's `createdAt`, epoch ms, never in the future): polls
 * sooner than MIN_CHECK_DELAY_MS after it would come before the Person Server's Retry-After.
 */
function metAt(pending: PendingConsent): number {
  return Math.min(Date.now(), pending.createdAt);
}

/** Bound on remembered announcements (ids of consents long gone are worthless). */
const MAX_ANNOUNCED = 1000;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class ToolRuntime {
  readonly toolName: string;
  readonly settings: ResolvedSettings;
  readonly #memory = new ConsentMemory();
  /** Pending ids already announced through the tool's onInteraction (parallel calls share one). */
  readonly #announced = new Set<string>();

  constructor(toolName: string, settings: ResolvedSettings) {
    this.toolName = toolName;
    this.settings = settings;
  }

  /**
   * Runs one tool call. `attempt` gets the signed fetch; `wrapped` means it is an existing tool whose
   * own error handling may have turned a consent error into text (the scope's record decides then).
   */
  async execute<T>(
    input: unknown,
    call: CallContext,
    attempt: (fetch: AAuthFetch) => Promise<T>,
    wrapped: boolean,
  ): Promise<T> {
    const key = argumentsKey(input);
    if (this.settings.consent === 'approval') await this.#settleBeforeRun(key, call);
    for (let consents = 0; ; consents++) {
      const scope = createScope(this.settings.client, call.signal);
      const outcome = await this.#attempt(scope, attempt, wrapped);
      if (outcome.ok) return outcome.value;
      const { error } = outcome;
      if (!(error instanceof ConsentRequiredError)) throw error;
      if (this.settings.consent === 'approval') {
        await this.#remember(error, key, call);
        throw error;
      }
      if (consents >= MAX_CONSENTS_PER_CALL) throw error;
      await this.#announce(error, call);
      await this.settings.client.waitForConsent(
        error.pending,
        call.signal === undefined ? {} : { signal: call.signal },
      );
    }
  }

  async #attempt<T>(
    scope: CallScope,
    attempt: (fetch: AAuthFetch) => Promise<T>,
    wrapped: boolean,
  ): Promise<Outcome<T>> {
    let value: T;
    try {
      value = await runInScope(scope, () => attempt(scope.fetch));
    } catch (error) {
      // An AAuth error thrown as is decides; otherwise the consent error the fetch raised underneath
      // (the tool may have wrapped or replaced it).
      if (isConsentError(error)) return { ok: false, error };
      return { ok: false, error: scope.consentErrors.at(-1) ?? error };
    }
    const swallowed = wrapped ? scope.consentErrors.at(-1) : undefined;
    return swallowed === undefined ? { ok: true, value } : { ok: false, error: swallowed };
  }

  /** `'approval'` mode, before running: report a consent found ended, or wait for the approved one. */
  async #settleBeforeRun(key: string | undefined, call: CallContext): Promise<void> {
    const paused = this.#memory.paused(call.callId);
    const consent = paused ?? this.#failedFor(key);
    if (consent === undefined) return;
    if (consent.failure !== undefined) {
      this.#memory.forget(consent);
      throw consent.failure;
    }
    const signal = call.signal;
    try {
      if (!(await this.#completedNow(consent, signal))) {
        await this.settings.client.waitForConsent(consent.pending, {
          timeoutMs: this.settings.resumeTimeoutMs,
          ...(signal === undefined ? {} : { signal }),
        });
      }
    } catch (error) {
      if (error instanceof TimeoutError && signal?.aborted !== true) {
        // Still pending: the model is told so, and the next call pauses the run again.
        throw new ConsentRequiredError(consent.interaction, consent.pending, { cause: error });
      }
      if (!isConsentError(error)) throw error;
      this.#memory.forget(consent);
      // Gone: that request no longer exists (possibly completed by another call); run normally.
      if (!(error instanceof InteractionGoneError)) throw error;
    }
    this.#memory.forget(consent);
  }

  /** One poll when it is not too early: true when the consent completed (its token is cached). */
  async #completedNow(consent: RememberedConsent, signal: AbortSignal | undefined): Promise<boolean> {
    if (Date.now() - consent.metAt < MIN_CHECK_DELAY_MS) return false;
    const result = await this.settings.client.pollConsentOnce(
      consent.pending,
      signal === undefined ? {} : { signal },
    );
    return result.status === 'approved';
  }

  #failedFor(key: string | undefined): RememberedConsent | undefined {
    const consent = this.#memory.match(key);
    return consent?.failure === undefined ? undefined : consent;
  }

  async #remember(error: ConsentRequiredError, key: string | undefined, call: CallContext): Promise<void> {
    const consent = this.#memory.remember({
      pending: error.pending,
      interaction: error.interaction,
      arguments: key,
      metAt: metAt(error.pending),
    });
    if (call.callId !== undefined) this.#memory.metIn(call.callId, consent);
    await this.#announce(error, call);
  }

  /** The tool's onInteraction, once per consent. */
  async #announce(error: ConsentRequiredError, call: CallContext): Promise<void> {
    if (this.settings.onInteraction === undefined || this.#announced.has(error.pending.id)) return;
    if (this.#announced.size >= MAX_ANNOUNCED) this.#announced.clear();
    this.#announced.add(error.pending.id);
    await this.settings.onInteraction(error.interaction, call);
  }

  /**
   * `'approval'` mode `needsApproval`: true while a consent this tool met is still pending (checked
   * with one poll, so a consent given meanwhile lets the call run at once); otherwise the tool's own
   * policy decides.
   */
  async needsApproval(
    input: unknown,
    callId: string | undefined,
    ownPolicy: () => Promise<boolean>,
  ): Promise<boolean> {
    this.#memory.prune(Date.now());
    const consent = this.#memory.match(argumentsKey(input));
    if (consent !== undefined && consent.failure === undefined && (await this.#stillPending(consent))) {
      if (callId !== undefined) this.#memory.pause(callId, consent);
      return true;
    }
    return ownPolicy();
  }

  async #stillPending(consent: RememberedConsent): Promise<boolean> {
    try {
      if (!(await this.#completedNow(consent, undefined))) return true;
      this.#memory.forget(consent);
      return false;
    } catch (error) {
      if (!isConsentError(error)) return true; // unreachable Person Server: ask the person anyway
      if (error instanceof InteractionGoneError) this.#memory.forget(consent);
      else consent.failure = error;
      return false;
    }
  }

  /** customData for the output of `callId`: the consent it met, so RunState carries it. */
  customData(callId: string | undefined): Record<string, unknown> | undefined {
    if (callId === undefined) return undefined;
    const consent = this.#memory.takeOutput(callId);
    return consent === undefined ? undefined : { aauth: serializeConsent(this.toolName, consent) };
  }

  /** The consent an interrupted call waits on (by call id, else by its arguments). */
  pendingFor(callId: string | undefined, args: unknown): PendingToolConsent | undefined {
    const consent = this.#memory.paused(callId) ?? this.#memory.match(argumentsKey(args));
    if (consent === undefined || consent.failure !== undefined) return undefined;
    if (callId !== undefined) this.#memory.pause(callId, consent);
    return toHandle(this.toolName, callId, consent);
  }

  /** Takes back a consent carried by a restored RunState. */
  adopt(saved: SerializedConsent): void {
    if (Date.now() >= saved.pending.expiresAt) return;
    this.#memory.remember({
      pending: saved.pending,
      interaction: saved.interaction,
      arguments: saved.arguments,
      metAt: metAt(saved.pending),
    });
  }
}
