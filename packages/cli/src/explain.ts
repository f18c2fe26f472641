/**
 * `fetch --explain`: each protocol exchange the agent client reports through `onEvent` (request,
 * challenge, token requests, polls), as one line when it happens and as a JSON step for `--json`.
 * Tokens that ride in headers (the resource token in `AAuth-Requirement`) are redacted.
 */
import type { AAuthEvent } from '@aauth-kit/core';
import { redactTokens } from './redact.js';

/** One exchange as `--json` reports it (redacted). */
export interface ExplainStep {
  step: AAuthEvent['step'];
  phase: AAuthEvent['phase'];
  label: string;
  method: string;
  url: string;
  token?: AAuthEvent['token'];
  status?: number;
  durationMs?: number;
  requirement?: string;
  error?: string;
}

const LABEL: Readonly<Record<AAuthEvent['step'], string>> = {
  resource: 'request',
  'agent-token': 'agent-token request',
  discovery: 'discovery',
  'person-token': 'person-token request',
  'auth-token': 'auth-token request',
  poll: 'poll',
  clarification: 'clarification',
  cancel: 'cancel',
};

const LABEL_WIDTH = 21;

/** What the exchange is, in the protocol's words: a resource answer carrying a requirement is a challenge. */
export function stepLabel(event: AAuthEvent): string {
  if (event.step === 'resource' && event.phase === 'response') {
    return event.requirement === undefined ? 'response' : 'challenge';
  }
  return LABEL[event.step] ?? event.step;
}

export function toStep(event: AAuthEvent): ExplainStep {
  const step: ExplainStep = {
    step: event.step,
    phase: event.phase,
    label: stepLabel(event),
    method: event.method,
    url: redactTokens(event.url),
  };
  if (event.token !== undefined) step.token = event.token;
  if (event.status !== undefined) step.status = event.status;
  if (event.durationMs !== undefined) step.durationMs = Math.round(event.durationMs);
  if (event.requirement !== undefined) step.requirement = redactTokens(event.requirement);
  if (event.error !== undefined) step.error = event.error;
  return step;
}

/** `→ request   POST https://… [agent token]`, `← challenge 401 (3 ms) AAuth-Requirement: …`. */
export function formatStep(step: ExplainStep): string {
  const label = step.label.padEnd(LABEL_WIDTH);
  if (step.phase === 'request') {
    const token = step.token === undefined ? '' : `  [signed, ${step.token} token]`;
    return `→ ${label}${step.method} ${step.url}${token}`;
  }
  const took = step.durationMs === undefined ? '' : ` (${step.durationMs} ms)`;
  if (step.phase === 'error') {
    return `✗ ${label}${step.method} ${step.url} failed${took}${step.error ? `: ${step.error}` : ''}`;
  }
  const requirement = step.requirement === undefined ? '' : `  AAuth-Requirement: ${step.requirement}`;
  return `← ${label}${step.status ?? '?'}${took}${requirement}`;
}
