/**
 * One tool call under AAuth: run the tool body, and when it stops on a consent, surface the consent,
 * let the client poll it, and run the body again. The signing, the challenges and the polling all stay
 * in the agent client; this file only decides when to wait and what to show.
 */
import type { AAuthClient, ConsentRequiredError } from '@aauth-kit/core';
import { consentRequiredIn, describeConsent, readableConsentError } from './consent.js';
import { TooManyConsentsError } from './errors.js';
import type { AAuthConsentRequired, AAuthToolOptions } from './types.js';

/** Everything a tool call needs besides its body. */
export interface CallContext {
  client: AAuthClient;
  toolCallId: string;
  signal: AbortSignal | undefined;
  onConsent: AAuthToolOptions['onConsent'];
  consentTimeoutMs: number | undefined;
  maxConsents: number;
  /** Pending consents already announced for this call (each is shown once). */
  announced: Set<string>;
}

/** One run of the tool body: whatever its `execute` returns (value, promise, async iterable) or throws. */
export type Attempt = () => unknown;

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Calls `attempt`, turning a synchronous throw into a rejected promise. */
export function invoke(attempt: Attempt): unknown {
  try {
    return attempt();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Tells `onConsent` about a consent, once per pending consent and tool call. */
export async function announce(consent: AAuthConsentRequired, ctx: CallContext): Promise<void> {
  if (ctx.announced.has(consent.pendingId)) return;
  ctx.announced.add(consent.pendingId);
  await ctx.onConsent?.(consent, { toolCallId: ctx.toolCallId });
}

/** Lets the client poll until the person decides; a decision without access becomes a readable error. */
async function waitFor(required: ConsentRequiredError, ctx: CallContext): Promise<void> {
  try {
    await ctx.client.waitForConsent(required.pending, {
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      ...(ctx.consentTimeoutMs === undefined ? {} : { timeoutMs: ctx.consentTimeoutMs }),
    });
  } catch (error) {
    throw readableConsentError(error, required);
  }
}

/** The ConsentRequiredError to wait for, or the error to give up with. */
function consentToWaitFor(
  error: unknown,
  consents: number,
  ctx: CallContext,
  last: ConsentRequiredError | undefined,
): ConsentRequiredError {
  const required = consentRequiredIn(error);
  if (required === undefined) throw readableConsentError(error, last);
  if (consents >= ctx.maxConsents) {
    throw new TooManyConsentsError(required.interaction.resource, ctx.maxConsents, { cause: error });
  }
  return required;
}

async function lastValue(iterable: AsyncIterable<unknown>): Promise<unknown> {
  let last: unknown;
  for await (const value of iterable) last = value;
  return last;
}

async function settle(first: unknown, attempt: Attempt, ctx: CallContext): Promise<unknown> {
  let outcome = first;
  let last: ConsentRequiredError | undefined;
  for (let consents = 0; ; consents++) {
    try {
      return await (isAsyncIterable(outcome) ? lastValue(outcome) : outcome);
    } catch (error) {
      last = consentToWaitFor(error, consents, ctx, last);
      await announce(describeConsent(last), ctx);
      await waitFor(last, ctx);
      outcome = invoke(attempt);
    }
  }
}

async function* iterate(
  first: { value: unknown } | undefined,
  attempt: Attempt,
  ctx: CallContext,
  yieldConsent: boolean,
): AsyncGenerator<unknown, void, undefined> {
  let pending = first;
  let last: ConsentRequiredError | undefined;
  for (let consents = 0; ; consents++) {
    try {
      const result = pending === undefined ? invoke(attempt) : pending.value;
      pending = undefined;
      if (isAsyncIterable(result)) yield* result;
      else yield await result;
      return;
    } catch (error) {
      last = consentToWaitFor(error, consents, ctx, last);
      const consent = describeConsent(last);
      await announce(consent, ctx);
      if (yieldConsent) yield consent;
      await waitFor(last, ctx);
    }
  }
}

/**
 * `wait` mode: block until the call completes, waiting out every consent. Returns what the body's first
 * run returned in kind (a promise, or an async iterable whose items are forwarded).
 */
export function executeWaiting(attempt: Attempt, ctx: CallContext): unknown {
  const first = invoke(attempt);
  if (isAsyncIterable(first)) return iterate({ value: first }, attempt, ctx, false);
  return settle(first, attempt, ctx);
}

/** `stream` mode: every consent is yielded as a preliminary result before the client polls it. */
export function executeStreaming(attempt: Attempt, ctx: CallContext): AsyncIterable<unknown> {
  return iterate(undefined, attempt, ctx, true);
}
