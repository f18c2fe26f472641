import { type Interaction, InvalidArgumentError, type PendingConsent } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import {
  argumentsKey,
  ConsentMemory,
  type RememberedConsent,
  readSerializedConsent,
  serializeConsent,
} from './consents.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=C',
  url: 'https://ps.example/consent',
  code: 'C',
  resource: 'https://notes.example',
  scope: ['notes.write'],
  expiresAt: 2_000,
  server: 'person-server',
  pendingId: 'pc_1',
};

function pending(id: string, createdAt: number): PendingConsent {
  return {
    id,
    kind: 'auth-token',
    resource: 'https://notes.example',
    scope: ['notes.write'],
    pollUrl: `https://ps.example/pending/${id}`,
    interaction,
    createdAt,
    expiresAt: createdAt + 1_000,
    status: 'pending',
  };
}

function remembered(id: string, createdAt: number, args?: string): RememberedConsent {
  return { pending: pending(id, createdAt), interaction, arguments: args, metAt: createdAt };
}

describe('consent records', () => {
  it('round-trip through customData as plain JSON', () => {
    const saved = serializeConsent('add_note', remembered('pc_1', 1_000, '{"text":"x"}'));
    const back = readSerializedConsent(JSON.parse(JSON.stringify({ aauth: saved, theirs: 1 })));
    expect(back).toEqual(saved);
    expect(back?.pending.pollUrl).toBe('https://ps.example/pending/pc_1');
  });

  it('ignore customData without a record and refuse malformed records with InvalidArgumentError', () => {
    expect(readSerializedConsent(undefined)).toBeUndefined();
    expect(readSerializedConsent({ other: 1 })).toBeUndefined();
    const saved = serializeConsent('add_note', remembered('pc_1', 1_000));
    expect(() => readSerializedConsent({ aauth: { ...saved, v: 2 } })).toThrow(InvalidArgumentError);
    expect(() =>
      readSerializedConsent({ aauth: { ...saved, pending: { ...saved.pending, pollUrl: 7 } } }),
    ).toThrow(InvalidArgumentError);
    expect(() => readSerializedConsent({ aauth: { ...saved, interaction: { kind: 'other' } } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => readSerializedConsent({ aauth: 'x' })).toThrow(InvalidArgumentError);
  });

  it('canonicalize arguments from JSON text or values alike', () => {
    expect(argumentsKey('{ "text": "x" }')).toBe('{"text":"x"}');
    expect(argumentsKey({ text: 'x' })).toBe('{"text":"x"}');
    expect(argumentsKey('not json')).toBe('not json');
  });
});

describe('ConsentMemory', () => {
  it('maps a call to the consent met with the same arguments, else the newest', () => {
    const memory = new ConsentMemory();
    const a = memory.remember(remembered('pc_a', 1_000, '{"text":"a"}'));
    const b = memory.remember(remembered('pc_b', 1_500, '{"text":"b"}'));
    expect(memory.match('{"text":"a"}')).toBe(a);
    expect(memory.match('{"text":"zzz"}')).toBe(b);
    expect(memory.remember(remembered('pc_a', 9_000))).toBe(a);
  });

  it('forgets paused calls with their consent, and drops expired consents', () => {
    const memory = new ConsentMemory();
    const a = memory.remember(remembered('pc_a', 1_000));
    memory.pause('call_1', a);
    expect(memory.paused('call_1')).toBe(a);
    memory.prune(2_000);
    expect(memory.paused('call_1')).toBeUndefined();
    expect(memory.has('pc_a')).toBe(false);
  });

  it('hands out the consent an output met once', () => {
    const memory = new ConsentMemory();
    const a = memory.remember(remembered('pc_a', 1_000));
    memory.metIn('call_1', a);
    expect(memory.takeOutput('call_1')).toBe(a);
    expect(memory.takeOutput('call_1')).toBeUndefined();
  });
});
