/**
 * Polling a deferred request (P11 #deferred-responses, #interaction-required, #clarification-chat):
 * signed GETs to the pending URL, `Retry-After` / `slow_down` pacing, `interacting` stops prompting,
 * clarification questions go to `onClarification` (answer POSTed, `null` cancels with DELETE), and
 * 403 / 408 / 410 end the wait with typed errors. Every sleep is abortable and bounded by the record's
 * deadline.
 */
import { HEADER, REQUIREMENT, SIGNATURE_ERROR_CODE } from '../constants.js';
import { NetworkError, TimeoutError } from '../errors.js';
import type { AgentCredentials } from './agent-credentials.js';
import { type DeferredAnswer, readDeferred, readProblem, readSignatureError } from './answers.js';
import { type FinalAnswer, interactionLink, type PendingRecord } from './consent.js';
import {
  ConsentDeniedError,
  ConsentExpiredError,
  InteractionGoneError,
  PersonServerError,
} from './errors.js';
import { parseRetryAfter } from './poll-schedule.js';
import type { RequestSigner } from './signing.js';
import { raceAbort, sleep } from './timers.js';
import { discard, MAX_PROTOCOL_BODY_BYTES, type Transport } from './transport.js';
import type { ClarificationRequest, Interaction } from './types.js';

/** Consecutive transport failures tolerated while waiting (a blip must not end a 15-minute wait). */
const MAX_CONSECUTIVE_POLL_FAILURES = 3;
/** Signature-Error codes on a poll that a fresh agent token can fix. */
const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  SIGNATURE_ERROR_CODE.expiredJwt,
  SIGNATURE_ERROR_CODE.invalidJwt,
  SIGNATURE_ERROR_CODE.invalidKey,
  SIGNATURE_ERROR_CODE.unknownKey,
  SIGNATURE_ERROR_CODE.revokedJwt,
]);
/** 403 codes that end a consent (P11 §8); other 403s at a resource are the resource's own answer. */
export const CONSENT_ENDINGS: ReadonlySet<string> = new Set([
  'denied',
  'abandoned',
  'revoked',
  'user_unreachable',
]);

export interface DeferredContext {
  transport: Transport;
  signing: RequestSigner;
  credentials: AgentCredentials;
  now: () => number;
  /** `Prefer: wait` seconds on polls while waiting (0: never send it). */
  preferWaitSeconds: number;
  /** Largest body read from a resource's final answer. */
  maxResponseBytes: number;
  /** Tells the app about an interaction (deduplicated by the caller). */
  announce(record: PendingRecord, interaction: Interaction, signal: AbortSignal | undefined): Promise<void>;
  onClarification: ((request: ClarificationRequest) => Promise<string | null> | string | null) | undefined;
}

function buildInteraction(record: PendingRecord, answer: DeferredAnswer): Interaction | undefined {
  const requirement = answer.requirement;
  const base = {
    resource: record.handle.resource,
    scope: [...record.handle.scope],
    expiresAt: record.handle.expiresAt,
    server: record.server,
    pendingId: record.handle.id,
  };
  if (requirement?.requirement === REQUIREMENT.interaction && requirement.url && requirement.code) {
    return {
      kind: 'interaction',
      url: requirement.url,
      code: requirement.code,
      interactionUrl: interactionLink(requirement.url, requirement.code),
      ...base,
    };
  }
  // A clarification is a question for the agent, not for a person: nothing to announce yet.
  const waitsForSomeone = requirement === undefined || requirement.requirement === REQUIREMENT.approval;
  if (waitsForSomeone && record.interaction === undefined) return { kind: 'approval', ...base };
  return undefined;
}

/** Applies a 202 to the record: pending URL, pacing, status, interaction (announced), clarification. */
export async function absorbDeferred(
  ctx: DeferredContext,
  record: PendingRecord,
  answer: DeferredAnswer,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (answer.pollUrl !== undefined) {
    record.pollUrl = answer.pollUrl;
    record.handle.pollUrl = answer.pollUrl.href;
  }
  record.schedule.pending(answer.retryAfterMs);
  if (answer.interacting && !record.interacting) {
    record.interacting = true;
    record.handle.status = 'interacting';
  }
  record.clarification =
    answer.clarification !== undefined && !record.answered.has(answer.clarification.question)
      ? answer.clarification
      : undefined;
  if (record.interacting) return;
  const interaction = buildInteraction(record, answer);
  if (interaction === undefined) return;
  const current = record.interaction;
  const changed =
    current === undefined ||
    (interaction.kind === 'interaction' &&
      (current.url !== interaction.url || current.code !== interaction.code));
  if (!changed) return;
  record.interaction = interaction;
  record.handle.interaction = interaction;
  await ctx.announce(record, interaction, signal);
}

function bodyLimit(ctx: DeferredContext, record: PendingRecord): number {
  return record.server === 'resource' ? ctx.maxResponseBytes : MAX_PROTOCOL_BODY_BYTES;
}

/**
 * Interprets one answer from the pending URL (poll, clarification POST). Returns the final answer, or
 * undefined while the request is still pending.
 */
export async function handlePollAnswer(
  ctx: DeferredContext,
  record: PendingRecord,
  response: Response,
  body: Uint8Array,
  requestUrl: URL,
  signal: AbortSignal | undefined,
): Promise<FinalAnswer | undefined> {
  const status = response.status;
  const now = ctx.now();
  const resource = record.handle.resource;
  if (status === 202) {
    const answer = readDeferred(response, body, requestUrl, now);
    // A held resource call asking for a (new) auth token goes back to the resource flow.
    if (record.server === 'resource' && answer.requirement?.requirement === REQUIREMENT.authToken) {
      return { response, body, url: requestUrl };
    }
    await absorbDeferred(ctx, record, answer, signal);
    return undefined;
  }
  const retryAfter = parseRetryAfter(response.headers.get(HEADER.retryAfter), now);
  if (status === 429) {
    record.schedule.slowDown(retryAfter);
    return undefined;
  }
  if (status === 503) {
    record.schedule.pending(retryAfter);
    return undefined;
  }
  const problem = readProblem(response, body);
  const fromPs = record.server === 'person-server';
  if (status === 403 && (fromPs || CONSENT_ENDINGS.has(problem?.error ?? ''))) {
    throw new ConsentDeniedError(resource, problem?.error ?? 'denied', status, problem);
  }
  if (status === 408 && (fromPs || problem?.error === 'expired'))
    throw new ConsentExpiredError(resource, problem);
  if (status === 410) throw new InteractionGoneError(resource, problem);
  if (!fromPs || status === 200) return { response, body, url: requestUrl };
  if (status === 401) {
    const code = readSignatureError(response)?.error;
    if (code !== undefined && !record.answered.has(`\u0000sig:${code}`)) {
      // One recovery per code: a fresh created (next poll) or a fresh agent token.
      record.answered.add(`\u0000sig:${code}`);
      if (TOKEN_ERRORS.has(code)) await ctx.credentials.refresh(signal);
      return undefined;
    }
  }
  throw new PersonServerError(requestUrl.href, status, problem, { retryAfterMs: retryAfter });
}

export interface PollOptions {
  signal: AbortSignal | undefined;
  /** Seconds the server may hold the poll (`Prefer: wait`); 0 sends no preference. */
  holdSeconds: number;
  /** Bound on the exchange (time left before the consent deadline). */
  maxMs?: number;
}

/** One signed GET of the pending URL. */
export async function pollOnce(
  ctx: DeferredContext,
  record: PendingRecord,
  options: PollOptions,
): Promise<FinalAnswer | undefined> {
  const credential = await record.credential(options.signal);
  const url = record.pollUrl;
  const headers = new Headers({ accept: 'application/json' });
  if (options.holdSeconds > 0) headers.set(HEADER.prefer, `wait=${options.holdSeconds}`);
  await ctx.signing.sign({ method: 'GET', url, headers, body: null }, credential);
  record.schedule.pollStarted(ctx.now());
  const { response, body } = await ctx.transport.send(
    {
      step: 'poll',
      method: 'GET',
      url,
      headers,
      body: null,
      token: credential.kind,
      signal: options.signal,
      holdMs: options.holdSeconds * 1000,
      ...(options.maxMs === undefined ? {} : { maxMs: options.maxMs }),
    },
    bodyLimit(ctx, record),
  );
  return handlePollAnswer(ctx, record, response, body ?? new Uint8Array(0), url, options.signal);
}

/**
 * Asks `onClarification` the pending question; POSTs the answer (P11 #clarification-chat), or cancels
 * the request with a signed DELETE when the answer is `null` (ConsentDeniedError `cancelled`).
 */
export async function answerClarification(
  ctx: DeferredContext,
  record: PendingRecord,
  signal: AbortSignal | undefined,
): Promise<FinalAnswer | undefined> {
  const ask = record.clarification;
  const handler = ctx.onClarification;
  if (ask === undefined || handler === undefined) return undefined;
  record.clarification = undefined;
  record.answered.add(ask.question);
  const request: ClarificationRequest = { question: ask.question, resource: record.handle.resource };
  if (ask.options !== undefined) request.options = ask.options;
  if (ask.timeoutSeconds !== undefined) request.timeoutSeconds = ask.timeoutSeconds;
  const reply = await raceAbort(Promise.resolve(handler(request)), signal, 'clarification');
  const credential = await record.credential(signal);
  const url = record.pollUrl;
  if (typeof reply !== 'string') {
    const headers = new Headers();
    await ctx.signing.sign({ method: 'DELETE', url, headers, body: null }, credential);
    const { response } = await ctx.transport.send(
      { step: 'cancel', method: 'DELETE', url, headers, body: null, token: credential.kind, signal },
      false,
    );
    discard(response);
    throw new ConsentDeniedError(record.handle.resource, 'cancelled', response.status);
  }
  const payload = new TextEncoder().encode(
    JSON.stringify({ action: 'clarification_response', clarification_response: reply }),
  );
  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
  await ctx.signing.sign({ method: 'POST', url, headers, body: payload }, credential);
  const { response, body } = await ctx.transport.send(
    { step: 'clarification', method: 'POST', url, headers, body: payload, token: credential.kind, signal },
    bodyLimit(ctx, record),
  );
  return handlePollAnswer(ctx, record, response, body ?? new Uint8Array(0), url, signal);
}

/** Inside one poll, a TimeoutError can only be the transport's (the consent deadline is checked outside). */
function isTransient(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof TimeoutError;
}

/**
 * Polls until the request ends: resolves with the final answer; rejects with the typed terminal
 * error, TimeoutError at the record's deadline, or AbortedError when `signal` fires.
 */
export async function waitForFinal(
  ctx: DeferredContext,
  record: PendingRecord,
  signal: AbortSignal | undefined,
): Promise<FinalAnswer> {
  let failures = 0;
  const deadline = record.handle.expiresAt;
  for (;;) {
    if (record.clarification !== undefined && ctx.onClarification !== undefined) {
      const final = await answerClarification(ctx, record, signal);
      if (final !== undefined) return final;
      continue;
    }
    const now = ctx.now();
    if (now >= deadline) {
      throw new TimeoutError(
        `consent for ${record.handle.resource} did not complete before the client's deadline`,
      );
    }
    await sleep(record.schedule.delay(now, deadline), signal);
    if (ctx.now() >= deadline) continue;
    const remaining = Math.floor((deadline - ctx.now()) / 1000);
    let final: FinalAnswer | undefined;
    try {
      final = await pollOnce(ctx, record, {
        signal,
        holdSeconds: Math.max(0, Math.min(ctx.preferWaitSeconds, remaining)),
        maxMs: deadline - ctx.now(),
      });
      failures = 0;
    } catch (error) {
      if (signal?.aborted || !isTransient(error) || ++failures >= MAX_CONSECUTIVE_POLL_FAILURES) throw error;
      record.schedule.pending(undefined);
      continue;
    }
    if (final !== undefined) return final;
  }
}
