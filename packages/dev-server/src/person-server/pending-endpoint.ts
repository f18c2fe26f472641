/**
 * Pending URLs (`/pending/<id>`, P11 #deferred-responses): signed `GET` polls (long-polled with
 * `Prefer: wait=N`), `POST {"action":"clarification_response",...}`, and `DELETE` to cancel. Only the key
 * that made the request may touch it (Q17): any other key, like an unknown id, gets 404.
 */
import { DEFAULTS, PROBLEM_CODE, PS_PATH } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import { type JsonObject, parseJsonObject, requireString } from '../http/json.js';
import { preferredWaitSeconds } from '../http/prefer.js';
import { sendEmpty, sendJson, sendProblem } from '../http/respond.js';
import type { RequestContext } from '../http/router.js';
import type { PendingRecord } from '../store/types.js';
import type { AgentRequestVerifier } from './agent-request.js';
import { type DeferredSettings, type PendingAnswer, pendingAnswer } from './deferred.js';
import { OPEN_STATES, type PendingRequests } from './pending-requests.js';

/** Slack for agents that poll right on the `Retry-After` boundary. */
const POLL_SLACK_MS = 250;

export interface PendingEndpointOptions {
  ctx: DevServerContext;
  pending: PendingRequests;
  verifyAgent: AgentRequestVerifier;
  settings: DeferredSettings;
}

function notFound(): HttpProblemError {
  return new HttpProblemError(404, PROBLEM_CODE.notFound, 'no pending request here for this agent');
}

export function writeAnswer(
  ctx: RequestContext,
  answer: PendingAnswer,
  extraHeaders: Record<string, string> = {},
): void {
  if (answer.kind === 'problem') {
    sendProblem(
      ctx.res,
      new HttpProblemError(answer.problem.status, answer.problem.error, answer.problem.message, {
        headers: { ...answer.problem.headers, ...extraHeaders },
      }),
    );
  } else {
    sendJson(ctx.res, answer.status, answer.body, { ...answer.headers, ...extraHeaders });
  }
}

export interface PendingHandlers {
  poll(request: RequestContext): Promise<void>;
  clarify(request: RequestContext): Promise<void>;
  cancel(request: RequestContext): Promise<void>;
  respondCreated(request: RequestContext, record: PendingRecord): Promise<void>;
}

export function createPendingHandlers({
  ctx,
  pending,
  verifyAgent,
  settings,
}: PendingEndpointOptions): PendingHandlers {
  /** The request, if the caller's key owns it. */
  async function owned(
    request: RequestContext,
  ): Promise<{ record: PendingRecord; thumbprint: string; body: Uint8Array }> {
    const agent = await verifyAgent(request);
    const id = request.params[0] ?? '';
    const record = await pending.get(id);
    if (!record || record.agentJkt !== agent.thumbprint) throw notFound();
    return { record, thumbprint: agent.thumbprint, body: agent.body };
  }

  /**
   * Computes the answer under the request's lock and records what it implies: a terminal answer is
   * delivered once; an open one sets when the next poll is welcome.
   */
  function answerAndRecord(id: string): Promise<PendingAnswer> {
    return pending.update(id, async (record) => {
      if (!record)
        return { result: { kind: 'problem', problem: notFound(), terminal: false } as PendingAnswer };
      const answer = pendingAnswer(record, settings);
      if (answer.terminal) return { record: { ...record, delivered: true }, result: answer };
      if (answer.kind === 'json' && answer.status === 202 && settings.pollIntervalSeconds > 0) {
        return {
          record: { ...record, nextPollAtMs: Date.now() + settings.pollIntervalSeconds * 1000 },
          result: answer,
        };
      }
      return { result: answer };
    });
  }

  async function poll(request: RequestContext): Promise<void> {
    const { record } = await owned(request);
    if (
      OPEN_STATES.has(record.state) &&
      !record.delivered &&
      record.nextPollAtMs !== undefined &&
      Date.now() < record.nextPollAtMs - POLL_SLACK_MS
    ) {
      throw new HttpProblemError(429, PROBLEM_CODE.slowDown, 'polled faster than Retry-After', {
        headers: { 'retry-after': String(settings.pollIntervalSeconds + 5) },
      });
    }
    const wait = preferredWaitSeconds(request.req.headers.prefer, DEFAULTS.maxPreferWaitSeconds);
    if (wait > 0 && OPEN_STATES.has(record.state) && !record.delivered) {
      const untilExpiry = Math.max(0, record.expiresAt - ctx.now()) * 1000;
      // Wait for any change of the request (decision, page opened), bounded by expiry and the client.
      await pending.waitForChange(record, Math.min(wait * 1000, untilExpiry), request.signal);
    }
    writeAnswer(request, await answerAndRecord(record.id));
  }

  async function clarify(request: RequestContext): Promise<void> {
    const { record, body } = await owned(request);
    const json: JsonObject = parseJsonObject(request.req.headers, body);
    const action = json.action;
    if (action === 'updated_request') {
      throw new HttpProblemError(
        400,
        PROBLEM_CODE.invalidRequest,
        'the dev Person Server does not support updated_request',
      );
    }
    if (action !== 'clarification_response') {
      throw new HttpProblemError(
        400,
        PROBLEM_CODE.invalidRequest,
        '"action" must be "clarification_response"',
      );
    }
    const answerText = requireString(json, 'clarification_response', DEFAULTS.maxAgentTextLength);
    const moved = await pending.update(record.id, async (current) => {
      if (!current || current.delivered || current.state !== 'clarifying' || pending.isExpired(current)) {
        return { result: undefined };
      }
      const next: PendingRecord = {
        ...current,
        state: 'pending',
        clarification: { question: current.clarification?.question ?? '', answer: answerText },
      };
      return { record: next, result: next };
    });
    if (!moved) {
      if (record.delivered || !OPEN_STATES.has(record.state) || pending.isExpired(record)) {
        writeAnswer(request, await answerAndRecord(record.id));
        return;
      }
      throw new HttpProblemError(400, PROBLEM_CODE.invalidRequest, 'no clarification is pending');
    }
    pending.announce(moved);
    if (ctx.autoApprove) await pending.approve(moved.id);
    writeAnswer(request, await answerAndRecord(moved.id));
  }

  async function cancel(request: RequestContext): Promise<void> {
    const { record } = await owned(request);
    const cancelled = await pending.update(record.id, async (current) => {
      if (!current || current.delivered || current.state === 'cancelled') return { result: false };
      return { record: { ...current, state: 'cancelled', delivered: true } as PendingRecord, result: true };
    });
    if (!cancelled) {
      throw new HttpProblemError(410, PROBLEM_CODE.gone, 'this pending request already answered');
    }
    sendEmpty(request.res, 204);
  }

  /**
   * The first answer of a token request that created `record`: 202 + `Location` unless it is already
   * decided. With `Prefer: wait=N` the answer is held for a decision only when nobody has to relay an
   * interaction URL to the person (the agent cannot show the URL before it has the 202).
   */
  async function respondCreated(request: RequestContext, record: PendingRecord): Promise<void> {
    const wait = preferredWaitSeconds(request.req.headers.prefer, DEFAULTS.maxPreferWaitSeconds);
    const needsRelay = record.state === 'clarifying' || record.capabilities.includes('interaction');
    if (wait > 0 && !needsRelay) {
      await pending.waitForChange(record, Math.min(wait, ctx.pendingTtlSeconds) * 1000, request.signal);
    }
    const answer = await answerAndRecord(record.id);
    const location = `${ctx.identifiers.personServer}${PS_PATH.pendingPrefix}${record.id}`;
    writeAnswer(request, answer, answer.kind === 'json' && answer.status === 202 ? { location } : {});
  }

  return { poll, clarify, cancel, respondCreated };
}
