import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { createProblem, isProblemContentType, parseProblem, signatureErrorProblem } from './problem.js';

describe('parseProblem', () => {
  it('reads error, detail and the RFC 9457 members', () => {
    expect(
      parseProblem({
        type: 'about:blank',
        title: 'Denied',
        status: 403,
        error: 'denied',
        detail: 'no',
        extra: 1,
      }),
    ).toEqual({ type: 'about:blank', title: 'Denied', status: 403, error: 'denied', detail: 'no', extra: 1 });
  });

  it('reads legacy error_description as detail, preferring detail', () => {
    expect(parseProblem({ error: 'invalid_request', error_description: 'old' })?.detail).toBe('old');
    expect(parseProblem({ error: 'invalid_request', detail: 'new', error_description: 'old' })?.detail).toBe(
      'new',
    );
  });

  it('recovers error from a sig-error type URN', () => {
    expect(parseProblem({ type: 'urn:ietf:params:sig-error:invalid_signature' })?.error).toBe(
      'invalid_signature',
    );
  });

  it('accepts JSON text', () => {
    expect(parseProblem('{"error":"slow_down"}')).toEqual({ error: 'slow_down' });
  });

  it('drops members of the wrong type', () => {
    expect(parseProblem({ error: 'x', status: '500', title: 7, detail: null, type: '' })).toEqual({
      error: 'x',
    });
    expect(parseProblem({ error: 'x', status: 1000 })).toEqual({ error: 'x' });
  });

  it('returns undefined when there is no error code or no object', () => {
    for (const body of [
      null,
      undefined,
      42,
      'not json',
      '[1]',
      [],
      {},
      { error: '' },
      { error: 5 },
      { title: 'x' },
    ]) {
      expect(parseProblem(body), JSON.stringify(body)).toBeUndefined();
    }
  });

  it('does not let __proto__ reach the prototype', () => {
    const parsed = parseProblem('{"error":"x","__proto__":{"polluted":true}}');
    expect(parsed).toEqual({ error: 'x' });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('createProblem', () => {
  it('builds a body with extensions', () => {
    expect(createProblem('mission_terminated', { status: 403, mission_status: 'terminated' })).toEqual({
      error: 'mission_terminated',
      status: 403,
      mission_status: 'terminated',
    });
  });

  it('does not let init override error', () => {
    expect(createProblem('denied', { error: 'other' }).error).toBe('denied');
  });

  it('refuses an empty error and ill-typed members', () => {
    expect(() => createProblem('')).toThrow(InvalidArgumentError);
    expect(() => createProblem('x', { status: 99 })).toThrow(InvalidArgumentError);
    expect(() => createProblem('x', { status: 200.5 })).toThrow(InvalidArgumentError);
    expect(() => createProblem('x', { detail: 5 as unknown as string })).toThrow(InvalidArgumentError);
  });

  it('builds signature-error bodies with the SK08 type URN and 401', () => {
    const body = signatureErrorProblem('invalid_signature', 'bad');
    expect(body).toEqual({
      type: 'urn:ietf:params:sig-error:invalid_signature',
      status: 401,
      error: 'invalid_signature',
      detail: 'bad',
    });
    expect(parseProblem(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });
});

describe('isProblemContentType', () => {
  it('matches application/problem+json ignoring case and parameters', () => {
    expect(isProblemContentType('application/problem+json')).toBe(true);
    expect(isProblemContentType('Application/Problem+JSON; charset=utf-8')).toBe(true);
    expect(isProblemContentType('application/json')).toBe(false);
    expect(isProblemContentType(null)).toBe(false);
  });
});
