import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { createMemoryDiscoveryCache, freshnessSeconds } from './cache.js';

const doc = (n: number) => ({ body: { n }, fetchedAt: 0, freshUntil: 1 });

describe('createMemoryDiscoveryCache', () => {
  it('returns what was stored until its ttl passes', async () => {
    let clock = 1000;
    const cache = createMemoryDiscoveryCache({ now: () => clock });
    await cache.set('a', doc(1), 10_000);
    expect(await cache.get('a')).toEqual(doc(1));
    clock += 9.999;
    expect(await cache.get('a')).toEqual(doc(1));
    clock += 0.002;
    expect(await cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = createMemoryDiscoveryCache({ maxEntries: 2 });
    await cache.set('a', doc(1), 60_000);
    await cache.set('b', doc(2), 60_000);
    await cache.get('a'); // a is now the most recently used
    await cache.set('c', doc(3), 60_000);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(doc(1));
    expect(await cache.get('c')).toEqual(doc(3));
  });

  it('deletes on request', async () => {
    const cache = createMemoryDiscoveryCache();
    await cache.set('a', doc(1), 60_000);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
  });

  it('rejects a non-positive bound', () => {
    expect(() => createMemoryDiscoveryCache({ maxEntries: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('freshnessSeconds', () => {
  it('defaults to 1 h and clamps to [60 s, 24 h]', () => {
    expect(freshnessSeconds(undefined)).toBe(3600);
    expect(freshnessSeconds(0)).toBe(60);
    expect(freshnessSeconds(600)).toBe(600);
    expect(freshnessSeconds(10 * 86400)).toBe(86400);
  });
});
