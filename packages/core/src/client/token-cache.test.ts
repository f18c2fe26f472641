import { describe, expect, it } from 'vitest';
import {
  authTokenKey,
  isUsable,
  latestAuthTokenKey,
  MemoryTokenStore,
  personTokenKey,
  refreshAt,
  refreshMarginSeconds,
  scopeKey,
} from './token-cache.js';
import type { StoredToken } from './types.js';

const parts = {
  agent: 'https://ap.example aauth:a@ap.example',
  thumbprint: 'T1',
  resource: 'https://r.example',
  mission: undefined,
};

function token(refresh: number): StoredToken {
  return {
    token: 't',
    kind: 'auth',
    resource: 'https://r.example',
    scope: [],
    jti: 'j',
    sub: 's',
    exp: 0,
    refreshAt: refresh,
  };
}

describe('refresh margin', () => {
  it('is 5 minutes for tokens that live an hour', () => {
    expect(refreshMarginSeconds(1000, 1000 + 3600, 1000)).toBe(300);
    expect(refreshAt(1000, 1000 + 3600, 1_000_000)).toBe((1000 + 3600 - 300) * 1000);
  });

  it('is a quarter of the lifetime for short-lived tokens', () => {
    expect(refreshMarginSeconds(0, 60, 0)).toBe(15);
    expect(refreshMarginSeconds(0, 600, 0)).toBe(150);
  });

  it('measures the lifetime from now when iat is missing or not before exp', () => {
    expect(refreshMarginSeconds(undefined, 100, 20)).toBe(20);
    expect(refreshMarginSeconds(200, 100, 20)).toBe(20);
  });
});

describe('cache keys', () => {
  it('treat scope lists as sets', () => {
    expect(scopeKey(['b', 'a', 'b'])).toBe('a b');
    expect(authTokenKey(parts, ['x', 'y'])).toBe(authTokenKey(parts, ['y', 'x']));
  });

  it('differ by key thumbprint, agent, resource, mission and kind', () => {
    const base = personTokenKey(parts);
    expect(personTokenKey({ ...parts, thumbprint: 'T2' })).not.toBe(base);
    expect(personTokenKey({ ...parts, agent: 'other' })).not.toBe(base);
    expect(personTokenKey({ ...parts, resource: 'https://s.example' })).not.toBe(base);
    expect(personTokenKey({ ...parts, mission: 'm' })).not.toBe(base);
    expect(latestAuthTokenKey(parts)).not.toBe(authTokenKey(parts, []));
  });
});

describe('isUsable', () => {
  it('accepts a token strictly before its refresh point', () => {
    expect(isUsable(token(1000), 999)).toBe(true);
    expect(isUsable(token(1000), 1000)).toBe(false);
    expect(isUsable(undefined, 0)).toBe(false);
  });
});

describe('MemoryTokenStore', () => {
  it('stores, deletes and clears', () => {
    const store = new MemoryTokenStore();
    store.set('a', token(1));
    expect(store.get('a')?.refreshAt).toBe(1);
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
    store.set('b', token(2));
    store.clear();
    expect(store.size).toBe(0);
  });

  it('evicts the oldest entry beyond its bound', () => {
    const store = new MemoryTokenStore(2);
    store.set('a', token(1));
    store.set('b', token(2));
    store.set('c', token(3));
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
