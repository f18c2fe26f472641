import { generateKeyPair } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory.js';
import type { PendingRecord } from './types.js';

describe('createMemoryStore', () => {
  it('keeps agents by thumbprint and id, and re-indexes a re-registered key', async () => {
    const store = createMemoryStore();
    const { publicJwk } = await generateKeyPair();
    await store.agents.put({
      agentId: 'aauth:a@x.example',
      local: 'a',
      thumbprint: 't',
      publicJwk,
      registeredAt: 1,
    });
    expect((await store.agents.getById('aauth:a@x.example'))?.thumbprint).toBe('t');
    await store.agents.put({
      agentId: 'aauth:b@x.example',
      local: 'b',
      thumbprint: 't',
      publicJwk,
      registeredAt: 2,
    });
    expect(await store.agents.getById('aauth:a@x.example')).toBeUndefined();
    expect((await store.agents.getByThumbprint('t'))?.agentId).toBe('aauth:b@x.example');
  });

  it('returns copies, so callers cannot change stored records', async () => {
    const store = createMemoryStore();
    await store.consents.put({
      person: 'p',
      agentId: 'a',
      resource: 'r',
      decision: 'approved',
      decidedAt: 1,
    });
    const record = await store.consents.get('p', 'a', 'r');
    record!.decision = 'denied';
    expect((await store.consents.get('p', 'a', 'r'))?.decision).toBe('approved');
    expect(await store.consents.get('p', 'a', 'other')).toBeUndefined();
  });

  it('drops issued-token records once they expire', async () => {
    let clock = 100;
    const store = createMemoryStore({ now: () => clock });
    const base = { kind: 'person' as const, iss: 'i', aud: 'a', sub: 's', agentJkt: 'k' };
    await store.issuedTokens.put({ ...base, jti: 'old', exp: 150 });
    clock = 200;
    await store.issuedTokens.put({ ...base, jti: 'new', exp: 300 });
    expect(await store.issuedTokens.get('old')).toBeUndefined();
    expect((await store.issuedTokens.get('new'))?.exp).toBe(300);
  });

  it('finds pending requests by code and forgets them after retention', async () => {
    let clock = 1000;
    const store = createMemoryStore({ now: () => clock, pendingRetentionSeconds: 10 });
    const { publicJwk } = await generateKeyPair();
    const record = {
      id: 'id1',
      kind: 'auth-token',
      state: 'pending',
      delivered: false,
      agentJkt: 'k',
      agentId: 'a',
      agentProvider: 'ap',
      person: 'p',
      resource: 'r',
      capabilities: [],
      code: 'ABCD-EFGH',
      codeKey: 'ABCDEFGH',
      issue: { sub: 's', cnfJwk: publicJwk, cnfThumbprint: 'k', expCap: 2000 },
      createdAt: 1000,
      expiresAt: 1060,
    } satisfies PendingRecord;
    await store.pending.put(record);
    expect((await store.pending.getByCode('ABCDEFGH'))?.id).toBe('id1');
    clock = 1071;
    await store.pending.put({
      ...record,
      id: 'id2',
      code: 'WXYZ-0000',
      codeKey: 'WXYZ0000',
      expiresAt: 1200,
    });
    expect(await store.pending.get('id1')).toBeUndefined();
    expect(await store.pending.getByCode('ABCDEFGH')).toBeUndefined();
    expect((await store.pending.list()).map((r) => r.id)).toEqual(['id2']);
    await store.pending.delete('id2');
    expect(await store.pending.list()).toEqual([]);
  });
});
