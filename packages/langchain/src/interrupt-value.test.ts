import { type Interaction, InvalidArgumentError, type PendingConsent } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { getAAuthInterrupts, isAAuthInterrupt, readResume, toInterruptValue } from './interrupt-value.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=ABCD-EFGH',
  url: 'https://ps.example/consent',
  code: 'ABCD-EFGH',
  resource: 'https://api.example',
  scope: ['docs.write'],
  expiresAt: 2_000,
  server: 'person-server',
  pendingId: 'pc_1',
};
const pending: PendingConsent = {
  id: 'pc_1',
  kind: 'auth-token',
  resource: 'https://api.example',
  scope: ['docs.write'],
  pollUrl: 'https://ps.example/pending/1',
  interaction,
  createdAt: 1_000,
  expiresAt: 2_000,
  status: 'pending',
};

describe('interrupt values', () => {
  it('carry the link, the code, the resource, the scope and the tool call, as plain JSON', () => {
    const value = toInterruptValue(interaction, pending, { name: 'write_doc', callId: 'call_1' });
    expect(value).toEqual({
      type: 'aauth.consent_required',
      interactionUrl: 'https://ps.example/consent?code=ABCD-EFGH',
      url: 'https://ps.example/consent',
      code: 'ABCD-EFGH',
      resource: 'https://api.example',
      scope: ['docs.write'],
      kind: 'interaction',
      pendingId: 'pc_1',
      expiresAt: 2_000,
      toolName: 'write_doc',
      toolCallId: 'call_1',
    });
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
    expect(isAAuthInterrupt(value)).toBe(true);
  });

  it('an approval-only consent has no link, url or code', () => {
    const approval: Interaction = { ...interaction, kind: 'approval' };
    delete approval.interactionUrl;
    delete approval.url;
    delete approval.code;
    const value = toInterruptValue(approval, pending, { name: 't', callId: undefined });
    expect(value.kind).toBe('approval');
    expect('url' in value || 'code' in value || 'toolCallId' in value).toBe(false);
    expect('interactionUrl' in value).toBe(false);
  });

  it("names the link and its parts as the core client's Interaction does", () => {
    const value = toInterruptValue(interaction, pending, { name: 't', callId: undefined });
    expect({ interactionUrl: value.interactionUrl, url: value.url, code: value.code }).toEqual({
      interactionUrl: interaction.interactionUrl,
      url: interaction.url,
      code: interaction.code,
    });
    expect(value.interactionUrl).toBe(`${value.url}?code=${value.code}`);
  });

  it('getAAuthInterrupts keeps one entry per consent and drops other interrupts', () => {
    const a = toInterruptValue(interaction, pending, { name: 't', callId: 'a' });
    const b = toInterruptValue(interaction, pending, { name: 't', callId: 'b' });
    const other = toInterruptValue(interaction, { ...pending, id: 'pc_2' }, { name: 't', callId: 'c' });
    const result = getAAuthInterrupts([
      { value: { actionRequests: [] } },
      { value: a },
      { value: b },
      { value: other },
      { value: null },
      {},
    ]);
    expect(result).toEqual([a, other]);
    expect(getAAuthInterrupts(undefined)).toEqual([]);
  });

  it('isAAuthInterrupt rejects look-alikes', () => {
    expect(isAAuthInterrupt({ type: 'aauth.consent_required' })).toBe(false);
    expect(isAAuthInterrupt('aauth.consent_required')).toBe(false);
    expect(isAAuthInterrupt(null)).toBe(false);
  });

  it('readResume accepts { approved: boolean } only', () => {
    expect(readResume({ approved: true })).toEqual({ approved: true });
    expect(readResume({ approved: false, note: 'x' })).toEqual({ approved: false });
    for (const bad of [undefined, null, true, 'yes', { approved: 'true' }, {}]) {
      expect(() => readResume(bad)).toThrow(InvalidArgumentError);
    }
  });
});
