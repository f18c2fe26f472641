import { describe, expect, it } from 'vitest';
import { formatStep, stepLabel, toStep } from './explain.js';

const RESOURCE_TOKEN = 'eyJhbGciOiJFZDI1NTE5In0.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz';

describe('--explain steps', () => {
  it('names a resource answer with AAuth-Requirement a challenge, and a plain one a response', () => {
    const base = { step: 'resource', phase: 'response', method: 'POST', url: 'https://r.example/x' } as const;
    expect(stepLabel({ ...base, status: 401, requirement: 'requirement=person-token' })).toBe('challenge');
    expect(stepLabel({ ...base, status: 201 })).toBe('response');
    expect(stepLabel({ ...base, phase: 'request' })).toBe('request');
    expect(stepLabel({ ...base, step: 'auth-token' })).toBe('auth-token request');
    expect(stepLabel({ ...base, step: 'poll' })).toBe('poll');
  });

  it('redacts the resource token riding in AAuth-Requirement', () => {
    const step = toStep({
      step: 'resource',
      phase: 'response',
      method: 'POST',
      url: 'https://r.example/x',
      status: 401,
      durationMs: 3.4,
      requirement: `requirement=auth-token;resource-token="${RESOURCE_TOKEN}"`,
    });
    expect(step).toEqual({
      step: 'resource',
      phase: 'response',
      label: 'challenge',
      method: 'POST',
      url: 'https://r.example/x',
      status: 401,
      durationMs: 3,
      requirement: 'requirement=auth-token;resource-token="eyJhbGci…"',
    });
    expect(formatStep(step)).toBe(
      '← challenge            401 (3 ms)  AAuth-Requirement: requirement=auth-token;resource-token="eyJhbGci…"',
    );
  });

  it('prints requests with the token kind they present, and transport errors', () => {
    const request = toStep({
      step: 'person-token',
      phase: 'request',
      method: 'POST',
      url: 'https://ps.example/person-token',
      token: 'agent',
    });
    expect(formatStep(request)).toBe(
      '→ person-token request POST https://ps.example/person-token  [signed, agent token]',
    );
    const failed = toStep({
      step: 'poll',
      phase: 'error',
      method: 'GET',
      url: 'https://ps.example/pending/1',
      durationMs: 30000,
      error: 'ERR_TIMEOUT',
    });
    expect(formatStep(failed)).toBe(
      '✗ poll                 GET https://ps.example/pending/1 failed (30000 ms): ERR_TIMEOUT',
    );
  });
});
