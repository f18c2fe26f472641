import { InvalidArgumentError } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { createMemoryReplayStore } from './replay-store.js';

describe('createMemoryReplayStore', () => {
  it('reports a key seen before it expires as a replay', async () => {
    let now = 1000;
    const store = createMemoryReplayStore({ maxEntries: 10, now: () => now });
    expect(await store.remember('k', 1060)).toBe(true);
    now = 1059;
    expect(await store.remember('k', 1119)).toBe(false);
  });

  it('accepts a key again once its record expired', async () => {
    let now = 1000;
    const store = createMemoryReplayStore({ maxEntries: 10, now: () => now });
    expect(await store.remember('k', 1060)).toBe(true);
    now = 1060;
    expect(await store.remember('k', 1120)).toBe(true);
    expect(await store.remember('k', 1120)).toBe(false);
  });

  it('stays within maxEntries, dropping expired entries first and then the oldest', async () => {
    let now = 1000;
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now });
    await store.remember('old', 1010);
    await store.remember('mid', 1100);
    now = 1020; // "old" has expired: sweeping it makes room without evicting "mid"
    expect(await store.remember('new', 1100)).toBe(true);
    expect(await store.remember('mid', 1100)).toBe(false);
    // Full of live entries: the oldest ("mid") is evicted for the newcomer.
    expect(await store.remember('newer', 1100)).toBe(true);
    expect(await store.remember('new', 1100)).toBe(false);
    expect(await store.remember('mid', 1100)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxEntries %s', (maxEntries) => {
    expect(() => createMemoryReplayStore({ maxEntries })).toThrow(InvalidArgumentError);
  });
});
