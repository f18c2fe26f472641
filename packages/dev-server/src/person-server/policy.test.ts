import { describe, expect, it } from 'vitest';
import type { ConsentPolicy } from '../options.js';
import { evaluatePolicies, scopeTokens } from './policy.js';

const R = 'https://docs.example';

describe('evaluatePolicies', () => {
  it('falls back to the default decision when no policy matches', () => {
    expect(evaluatePolicies([], R, 'a b')).toEqual({ decision: 'consent' });
    expect(evaluatePolicies([], R, undefined, 'auto-approve')).toEqual({ decision: 'auto-approve' });
  });

  it('lets the first matching policy decide each scope', () => {
    const policies: ConsentPolicy[] = [
      { resource: R, scope: 'read', decision: 'auto-approve' },
      { scope: 'read', decision: 'deny' },
    ];
    expect(evaluatePolicies(policies, R, 'read')).toEqual({ decision: 'auto-approve' });
    expect(evaluatePolicies(policies, 'https://other.example', 'read')).toEqual({ decision: 'deny' });
  });

  it('takes the strictest decision over all requested scopes', () => {
    const policies: ConsentPolicy[] = [
      { scope: 'read', decision: 'auto-approve' },
      { scope: 'write', decision: 'clarify', question: 'Why?' },
      { scope: 'admin', decision: 'deny' },
    ];
    expect(evaluatePolicies(policies, R, 'read write')).toEqual({ decision: 'clarify', question: 'Why?' });
    expect(evaluatePolicies(policies, R, 'read write admin')).toEqual({ decision: 'deny' });
    expect(evaluatePolicies(policies, R, 'read other')).toEqual({ decision: 'consent' });
  });

  it('matches scope-less requests only with scope-less policies', () => {
    const policies: ConsentPolicy[] = [
      { scope: 'read', decision: 'deny' },
      { resource: R, decision: 'auto-approve' },
    ];
    expect(evaluatePolicies(policies, R, undefined)).toEqual({ decision: 'auto-approve' });
    expect(evaluatePolicies(policies, R, '')).toEqual({ decision: 'auto-approve' });
  });
});

describe('scopeTokens', () => {
  it('splits on spaces and drops empties and duplicates', () => {
    expect(scopeTokens(' a  b a ')).toEqual(['a', 'b']);
    expect(scopeTokens(undefined)).toEqual([]);
  });
});
