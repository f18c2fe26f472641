import { describe, expect, it } from 'vitest';
import { ConsentRegistry, createRecord, interactionLink, type NewRecordInit } from './consent.js';
import type { Interaction } from './types.js';

function init(overrides: Partial<NewRecordInit> = {}): NewRecordInit {
  return {
    kind: 'auth-token',
    server: 'person-server',
    registryKey: 'k1',
    resource: 'https://r.example',
    scope: ['a'],
    mission: undefined,
    pollUrl: new URL('https://ps.example/pending/1'),
    retryAfterMs: 0,
    now: 1000,
    timeoutMs: 60_000,
    pollOptions: {},
    credential: async () => ({ kind: 'agent', token: 't', jti: undefined, sub: undefined }),
    complete: async () => ({ token: 'x' }),
    ...overrides,
  };
}

function interaction(code: string, pendingId = 'p'): Interaction {
  return {
    kind: 'interaction',
    url: 'https://ps.example/i',
    code,
    resource: 'https://r.example',
    scope: [],
    expiresAt: 0,
    server: 'person-server',
    pendingId,
  };
}

describe('pending consent records', () => {
  it('hand out a JSON-serializable handle with the deadline set by the timeout', () => {
    const record = createRecord(init());
    expect(record.handle).toMatchObject({
      kind: 'auth-token',
      resource: 'https://r.example',
      scope: ['a'],
      status: 'pending',
    });
    expect(record.handle.expiresAt).toBe(61_000);
    expect(JSON.parse(JSON.stringify(record.handle))).toEqual(record.handle);
  });

  it('build the user link from url and code', () => {
    expect(interactionLink('https://ps.example/i', 'AB CD')).toBe('https://ps.example/i?code=AB%20CD');
    expect(interactionLink('https://ps.example/i?x=1', 'ABCD')).toBe('https://ps.example/i?x=1&code=ABCD');
  });
});

describe('ConsentRegistry', () => {
  it('finds a record by key and id, and drops it once expired', () => {
    const registry = new ConsentRegistry();
    const record = createRecord(init());
    registry.add(record);
    expect(registry.get('k1', 2000)).toBe(record);
    expect(registry.byId(record.handle.id)).toBe(record);
    expect(registry.latest('https://r.example', 2000)?.id).toBe(record.handle.id);
    expect(registry.latest('https://other.example', 2000)).toBeUndefined();
    expect(registry.get('k1', 61_000)).toBeUndefined();
    expect(registry.byId(record.handle.id)).toBeUndefined();
  });

  it('replaces the record of a key and reports the newest pending consent', () => {
    const registry = new ConsentRegistry();
    const first = createRecord(init());
    const second = createRecord(init({ now: 5000 }));
    registry.add(first);
    registry.add(second);
    expect(registry.get('k1', 6000)).toBe(second);
    expect(registry.byId(first.handle.id)).toBeUndefined();
    expect(registry.latest(undefined, 6000)?.id).toBe(second.handle.id);
  });

  it('counts resource-held calls', () => {
    const registry = new ConsentRegistry();
    registry.add(createRecord(init()));
    expect(registry.resourceHeldCount()).toBe(0);
    registry.add(createRecord(init({ kind: 'resource', server: 'resource', registryKey: 'held' })));
    expect(registry.resourceHeldCount()).toBe(1);
  });

  it('announces each (url, code) once, and each approval once per pending consent', () => {
    const registry = new ConsentRegistry();
    expect(registry.firstAnnouncement(interaction('A'))).toBe(true);
    expect(registry.firstAnnouncement(interaction('A', 'other'))).toBe(false);
    expect(registry.firstAnnouncement(interaction('B'))).toBe(true);
    const approval: Interaction = { ...interaction('x'), kind: 'approval', url: undefined, code: undefined };
    expect(registry.firstAnnouncement(approval)).toBe(true);
    expect(registry.firstAnnouncement(approval)).toBe(false);
    expect(registry.firstAnnouncement({ ...approval, pendingId: 'q' })).toBe(true);
  });
});

describe('consent registry bounds', () => {
  it('drops expired records of other keys when a new one is added (abandoned consents do not pile up)', () => {
    const registry = new ConsentRegistry();
    const abandoned = createRecord(init({ registryKey: 'old', kind: 'resource', now: 1000, timeoutMs: 10 }));
    registry.add(abandoned);
    const fresh = createRecord(init({ registryKey: 'new', now: 5000 }));
    registry.add(fresh);
    expect(registry.byId(abandoned.handle.id)).toBeUndefined();
    expect(registry.resourceHeldCount()).toBe(0);
    expect(registry.byId(fresh.handle.id)).toBe(fresh);
  });
});
