/**
 * What a pending request answers, on the initial 202 and on every poll (P11 #deferred-responses):
 * 202 + `Retry-After` + `Cache-Control: no-store` (+ `AAuth-Requirement`) while open; 200 with the token
 * once approved; 403 `denied`; 408 `expired`; 410 `invalid_code` / `gone`. Terminal answers are delivered
 * once: the caller marks the record `delivered` and every later request gets 410.
 */
import {
  approvalRequirement,
  CAPABILITY,
  clarificationRequirement,
  interactionRequirement,
} from '@aauth-kit/core';
import { DEFAULTS, PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';
import type { PendingRecord } from '../store/types.js';

export interface DeferredSettings {
  /** Absolute interaction URL (`url` of `requirement=interaction`). */
  interactionUrl: string;
  pollIntervalSeconds: number;
  /** Unix seconds. */
  now: () => number;
}

export type PendingAnswer =
  | {
      kind: 'json';
      status: number;
      headers: Record<string, string>;
      body: Record<string, unknown>;
      terminal: boolean;
    }
  | { kind: 'problem'; problem: HttpProblemError; terminal: boolean };

/** How the agent is told what is being waited for (`interaction` only when it can relay a URL). */
function requirementHeader(record: PendingRecord, settings: DeferredSettings): string | undefined {
  if (record.state === 'clarifying') return clarificationRequirement();
  if (record.state === 'interacting') return undefined; // the person is on it: stop prompting
  if (record.capabilities.includes(CAPABILITY.interaction)) {
    return interactionRequirement(settings.interactionUrl, record.code);
  }
  return approvalRequirement();
}

function openAnswer(record: PendingRecord, settings: DeferredSettings): PendingAnswer {
  const headers: Record<string, string> = {
    'retry-after': String(settings.pollIntervalSeconds),
    'cache-control': 'no-store',
  };
  const requirement = requirementHeader(record, settings);
  if (requirement !== undefined) headers['aauth-requirement'] = requirement;
  const body: Record<string, unknown> = {
    status: record.state === 'interacting' ? 'interacting' : 'pending',
  };
  if (record.state === 'clarifying' && record.clarification) {
    body.clarification = record.clarification.question;
    body.timeout = Math.max(
      0,
      Math.min(DEFAULTS.clarificationTimeoutSeconds, record.expiresAt - settings.now()),
    );
  }
  return { kind: 'json', status: 202, headers, body, terminal: false };
}

function problem(status: number, error: string, detail: string): PendingAnswer {
  return { kind: 'problem', problem: new HttpProblemError(status, error, detail), terminal: true };
}

/** The answer for `record` right now. */
export function pendingAnswer(record: PendingRecord, settings: DeferredSettings): PendingAnswer {
  if (record.delivered) {
    return {
      kind: 'problem',
      problem: new HttpProblemError(410, PROBLEM_CODE.gone, 'this pending request already answered'),
      terminal: false,
    };
  }
  switch (record.state) {
    case 'approved':
      return {
        kind: 'json',
        status: 200,
        headers: { 'cache-control': 'no-store' },
        body: record.result ?? {},
        terminal: true,
      };
    case 'denied':
      return problem(403, PROBLEM_CODE.denied, 'the person denied the request');
    case 'cancelled':
      return problem(410, PROBLEM_CODE.gone, 'the agent cancelled this pending request');
    case 'failed':
      if (record.failure === PROBLEM_CODE.invalidCode) {
        return problem(410, PROBLEM_CODE.invalidCode, 'too many wrong interaction codes: start over');
      }
      if (record.failure === PROBLEM_CODE.expired) {
        return problem(408, PROBLEM_CODE.expired, 'the request expired before it could be completed');
      }
      return problem(500, PROBLEM_CODE.serverError, 'the request failed: start over');
    default:
      if (settings.now() >= record.expiresAt) {
        return problem(408, PROBLEM_CODE.expired, 'nobody decided in time: start over');
      }
      return openAnswer(record, settings);
  }
}
