import { InvalidArgumentError } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { decide, normalizeRoute } from './route.js';
import type { AcceptableTokenKind, RouteRequirement } from './types.js';

function decision(kind: AcceptableTokenKind, route: RouteRequirement, granted: string[] = []) {
  return decide(kind, granted, normalizeRoute(route));
}

describe('decide', () => {
  it.each([
    ['agent', ['agent'], { action: 'accept' }],
    ['person', ['person'], { action: 'accept' }],
    ['auth', ['auth'], { action: 'accept' }],
    ['agent', ['person'], { action: 'challenge', requirement: 'person-token' }],
    ['agent', ['auth'], { action: 'challenge', requirement: 'person-token' }],
    ['agent', ['person', 'auth'], { action: 'challenge', requirement: 'person-token' }],
    ['person', ['auth'], { action: 'resource-token' }],
    ['person', ['agent', 'auth'], { action: 'resource-token' }],
    ['person', ['agent'], { action: 'challenge', requirement: 'agent-token' }],
    ['auth', ['agent'], { action: 'challenge', requirement: 'agent-token' }],
    ['auth', ['person'], { action: 'challenge', requirement: 'person-token' }],
    ['auth', ['agent', 'person'], { action: 'challenge', requirement: 'person-token' }],
  ] as const)('a %s token on a route accepting %j → %j', (kind, accept, expected) => {
    expect(decision(kind, { accept })).toEqual(expected);
  });

  it('accepts an auth token granting every route scope', () => {
    expect(decision('auth', { accept: ['auth'], scope: 'a b' }, ['b', 'c', 'a'])).toEqual({
      action: 'accept',
    });
  });

  it('steps up an auth token missing a route scope', () => {
    expect(decision('auth', { accept: ['auth'], scope: ['a', 'b'] }, ['a'])).toEqual({
      action: 'resource-token',
    });
  });

  it('escalates accepted agent and person tokens when the route needs scope', () => {
    const route: RouteRequirement = { accept: ['agent', 'person', 'auth'], scope: 'a' };
    expect(decision('agent', route)).toEqual({ action: 'challenge', requirement: 'person-token' });
    expect(decision('person', route)).toEqual({ action: 'resource-token' });
  });
});

describe('normalizeRoute', () => {
  it('de-duplicates scopes and caches per route object', () => {
    const route: RouteRequirement = { accept: ['auth', 'auth'], scope: 'a  b a' };
    const first = normalizeRoute(route);
    expect([...first.accept]).toEqual(['auth']);
    expect(first.scope).toEqual(['a', 'b']);
    expect(normalizeRoute(route)).toBe(first);
  });

  it.each([
    ['no accept list', {}],
    ['an empty accept list', { accept: [] }],
    ['an unknown kind', { accept: ['resource'] }],
    ['scopes without auth', { accept: ['person'], scope: 'a' }],
    ['an invalid scope token', { accept: ['auth'], scope: ['a"b'] }],
  ])('refuses %s', (_name, route) => {
    expect(() => normalizeRoute(route as RouteRequirement)).toThrow(InvalidArgumentError);
  });
});
