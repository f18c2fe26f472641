import { generateKeyPair, jwkThumbprint } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory.js';
import type { PendingRecord } from '../store/types.js';
import { type NewPendingRequest, PendingRequests } from './pending-requests.js';

async function setUp(options: { ttl?: number; complete?: () => Promise<Record<string, unknown>> } = {}) {
  let clock = 1_900_000_000;
  const store = createMemoryStore({ now: () => clock });
  const announced: PendingRecord[] = [];
  const pending = new PendingRequests({
    store: store.pending,
    now: () => clock,
    ttlSeconds: options.ttl ?? 60,
    complete: options.complete ?? (async () => ({ auth_token: 'token', expires_in: 60 })),
    onAwaitingPerson: (record) => announced.push(record),
  });
  const key = await generateKeyPair();
  const input: NewPendingRequest = {
    kind: 'auth-token',
    agentJkt: jwkThumbprint(key.publicJwk),
    agentId: 'aauth:a@agents.example',
    agentProvider: 'https://agents.example',
    person: 'p',
    resource: 'https://docs.example',
    capabilities: ['interaction'],
    issue: {
      sub: 's',
      cnfJwk: key.publicJwk,
      cnfThumbprint: jwkThumbprint(key.publicJwk),
      expCap: clock + 3600,
    },
  };
  return { pending, input, announced, advance: (s: number) => (clock += s) };
}

describe('PendingRequests', () => {
  it('creates requests with an unguessable id and a canonical 40-bit code, announced to the person', async () => {
    const { pending, input, announced } = await setUp();
    const a = await pending.create(input);
    const b = await pending.create(input);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(a.codeKey).toBe(a.code.replace('-', ''));
    expect(a.state).toBe('pending');
    expect(announced.map((r) => r.id)).toEqual([a.id, b.id]);
  });

  it('starts in clarifying (not announced) when a question is asked', async () => {
    const { pending, input, announced } = await setUp();
    const record = await pending.create({ ...input, question: 'Why?' });
    expect(record.state).toBe('clarifying');
    expect(record.clarification).toEqual({ question: 'Why?' });
    expect(announced).toHaveLength(0);
    expect(await pending.approve(record.id)).toBeUndefined();
    expect((await pending.deny(record.id))?.state).toBe('denied');
  });

  it('approves once, with the minted result, and refuses a second decision', async () => {
    const { pending, input } = await setUp();
    const record = await pending.create(input);
    const approved = await pending.approve(record.id);
    expect(approved).toMatchObject({ state: 'approved', result: { auth_token: 'token' } });
    expect(await pending.approve(record.id)).toBeUndefined();
    expect(await pending.deny(record.id)).toBeUndefined();
  });

  it('ends with expired when the agent credential ran out before the approval', async () => {
    const { pending, input, advance } = await setUp({ ttl: 7200 });
    const record = await pending.create(input);
    advance(3601);
    expect(await pending.approve(record.id)).toMatchObject({ state: 'failed', failure: 'expired' });
  });

  it('ends with server_error when minting fails', async () => {
    const { pending, input } = await setUp({
      complete: async () => {
        throw new TypeError('signer offline');
      },
    });
    const record = await pending.create(input);
    expect(await pending.approve(record.id)).toMatchObject({ state: 'failed', failure: 'server_error' });
  });

  it('refuses decisions after the TTL', async () => {
    const { pending, input, advance } = await setUp({ ttl: 10 });
    const record = await pending.create(input);
    advance(10);
    expect(pending.isExpired((await pending.get(record.id))!)).toBe(true);
    expect(await pending.approve(record.id)).toBeUndefined();
    expect(await pending.deny(record.id)).toBeUndefined();
  });

  it('binds the interaction to the first session', async () => {
    const { pending, input } = await setUp();
    const record = await pending.create(input);
    expect((await pending.markInteracting(record.id, 'one'))?.state).toBe('interacting');
    expect(await pending.markInteracting(record.id, 'one')).toBeDefined();
    expect(await pending.markInteracting(record.id, 'two')).toBeUndefined();
  });

  it('fails every open request of a person at once', async () => {
    const { pending, input } = await setUp();
    const a = await pending.create(input);
    const b = await pending.create({ ...input, question: 'Why?' });
    const other = await pending.create({ ...input, person: 'q' });
    expect(await pending.failAwaiting('p', 'invalid_code')).toBe(2);
    expect((await pending.get(a.id))?.state).toBe('failed');
    expect((await pending.get(b.id))?.failure).toBe('invalid_code');
    expect((await pending.get(other.id))?.state).toBe('pending');
  });

  it('wakes a waiter on change, also for a change made just before waiting', async () => {
    const { pending, input } = await setUp();
    const record = await pending.create(input);
    const started = Date.now();
    const waiting = pending.waitForChange(record, 5000);
    await pending.deny(record.id);
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    // The snapshot is stale now: the wait returns at once.
    const again = Date.now();
    await pending.waitForChange(record, 5000);
    expect(Date.now() - again).toBeLessThan(1000);
  });

  it('gives up waiting after the timeout or on abort', async () => {
    const { pending, input } = await setUp();
    const record = await pending.create(input);
    const started = Date.now();
    await pending.waitForChange(record, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const controller = new AbortController();
    const waiting = pending.waitForChange(record, 5000, controller.signal);
    controller.abort();
    await waiting;
  });
});
