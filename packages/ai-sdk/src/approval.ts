/**
 * Approval mode. Whether a call needs consent is only known by making it, so when the AI SDK asks
 * whether a call needs approval (`needsApproval` in 6, `toolApproval` in 7) the gate runs the call
 * once: if it completes, its result is kept for `execute` and no approval is asked; if it stops on a
 * consent, the SDK emits a `tool-approval-request` and the consent is remembered. Once the app answers
 * with a `tool-approval-response` and calls the model again, `execute` runs the call, which polls the
 * client's remembered consent (waiting if the person has not decided yet).
 */
import { type Attempt, announce, type CallContext, executeWaiting, invoke, isAsyncIterable } from './call.js';
import { consentRequiredIn, describeConsent, readableConsentError } from './consent.js';
import type { AAuthConsentRequired, ToolCallOptionsLike } from './types.js';

/** Calls remembered per tool (approval requests outstanding, results waiting for `execute`). */
const MAX_REMEMBERED_CALLS = 1000;

type ProbeOutcome =
  | { kind: 'done'; value: unknown }
  | { kind: 'done-iterable'; values: unknown[] }
  | { kind: 'failed'; error: unknown }
  | { kind: 'consent'; consent: AAuthConsentRequired };

/** What the SDK passes when it asks whether a call needs approval (6 and 7). */
export interface ApprovalQuery {
  toolCallId: string;
  messages: readonly unknown[];
  context?: unknown;
  experimental_context?: unknown;
}

export interface ApprovalDecision {
  needsApproval: boolean;
  /** The consent the call waits for (absent when resuming a call this process did not probe). */
  consent?: AAuthConsentRequired;
}

export interface ApprovalGateOptions {
  /** One run of the body for a call. */
  attemptFor(input: unknown, options: ToolCallOptionsLike): Attempt;
  contextFor(options: ToolCallOptionsLike): CallContext;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function partsOf(message: unknown): unknown[] {
  const content = record(message)?.content;
  return Array.isArray(content) ? content : [];
}

/**
 * True when `messages` answer an approval request for `toolCallId`: the last message is a tool
 * message with a `tool-approval-response` whose request (in an assistant message) names this call.
 * The SDK asks again when it resumes; a call the person already approved must not run a second probe.
 */
export function isApprovalResume(messages: readonly unknown[], toolCallId: string): boolean {
  const last = record(messages[messages.length - 1]);
  if (last?.role !== 'tool') return false;
  const answered = new Set<unknown>();
  for (const part of partsOf(last)) {
    const p = record(part);
    if (p?.type === 'tool-approval-response') answered.add(p.approvalId);
  }
  if (answered.size === 0) return false;
  for (const message of messages) {
    if (record(message)?.role !== 'assistant') continue;
    for (const part of partsOf(message)) {
      const p = record(part);
      if (p?.type === 'tool-approval-request' && p.toolCallId === toolCallId && answered.has(p.approvalId)) {
        return true;
      }
    }
  }
  return false;
}

async function* replay(values: readonly unknown[]): AsyncGenerator<unknown, void, undefined> {
  for (const value of values) yield value;
}

export class ApprovalGate {
  readonly #options: ApprovalGateOptions;
  readonly #calls = new Map<string, ProbeOutcome | Promise<ProbeOutcome>>();

  constructor(options: ApprovalGateOptions) {
    this.#options = options;
  }

  #remember(toolCallId: string, outcome: ProbeOutcome | Promise<ProbeOutcome>): void {
    this.#calls.delete(toolCallId);
    this.#calls.set(toolCallId, outcome);
    if (this.#calls.size > MAX_REMEMBERED_CALLS) {
      const oldest = this.#calls.keys().next();
      if (oldest.done !== true) this.#calls.delete(oldest.value);
    }
  }

  /** The consent a probed call is waiting for (the URL to show next to an approval request). */
  consentFor(toolCallId: string): AAuthConsentRequired | undefined {
    const outcome = this.#calls.get(toolCallId);
    return outcome !== undefined && !(outcome instanceof Promise) && outcome.kind === 'consent'
      ? outcome.consent
      : undefined;
  }

  /** Whether the call must wait for the person (probing it the first time it is seen). */
  async decide(input: unknown, query: ApprovalQuery): Promise<ApprovalDecision> {
    const known = this.#calls.get(query.toolCallId);
    if (known !== undefined) return decisionOf(await known);
    if (isApprovalResume(query.messages, query.toolCallId)) return { needsApproval: true };
    const probe = this.#probe(input, query);
    this.#remember(query.toolCallId, probe);
    const outcome = await probe;
    if (this.#calls.get(query.toolCallId) === probe) this.#remember(query.toolCallId, outcome);
    return decisionOf(outcome);
  }

  async #probe(input: unknown, options: ToolCallOptionsLike): Promise<ProbeOutcome> {
    const ctx = this.#options.contextFor(options);
    try {
      const result = invoke(this.#options.attemptFor(input, options));
      if (isAsyncIterable(result)) {
        const values: unknown[] = [];
        for await (const value of result) values.push(value);
        return { kind: 'done-iterable', values };
      }
      return { kind: 'done', value: await result };
    } catch (error) {
      const required = consentRequiredIn(error);
      if (required === undefined) return { kind: 'failed', error: readableConsentError(error) };
      const consent = describeConsent(required);
      await announce(consent, ctx);
      return { kind: 'consent', consent };
    }
  }

  /** `execute`: hand over a probed result, or run the (approved) call, waiting out its consent. */
  execute(input: unknown, options: ToolCallOptionsLike): unknown {
    const known = this.#calls.get(options.toolCallId);
    this.#calls.delete(options.toolCallId);
    const ctx = this.#options.contextFor(options);
    const run = (): unknown => executeWaiting(this.#options.attemptFor(input, options), ctx);
    if (known === undefined) return run();
    if (known instanceof Promise) {
      return known.then((outcome) => (outcome.kind === 'consent' ? run() : settledValue(outcome)));
    }
    if (known.kind === 'consent') {
      ctx.announced.add(known.consent.pendingId);
      return run();
    }
    if (known.kind === 'done-iterable') return replay(known.values);
    return settledValue(known);
  }
}

function decisionOf(outcome: ProbeOutcome): ApprovalDecision {
  return outcome.kind === 'consent'
    ? { needsApproval: true, consent: outcome.consent }
    : { needsApproval: false };
}

function settledValue(outcome: Exclude<ProbeOutcome, { kind: 'consent' }>): Promise<unknown> {
  if (outcome.kind === 'failed') return Promise.reject(outcome.error);
  if (outcome.kind === 'done-iterable') return Promise.resolve(outcome.values[outcome.values.length - 1]);
  return Promise.resolve(outcome.value);
}
