import {
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  type Interaction,
  InteractionGoneError,
  type PendingConsent,
  TimeoutError,
} from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import {
  consentRequiredIn,
  describeConsent,
  isAAuthConsentRequired,
  readableConsentError,
} from './consent.js';
import { ConsentNotGrantedError } from './errors.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=ABCD-EFGH',
  url: 'https://ps.example/consent',
  code: 'ABCD-EFGH',
  resource: 'https://api.example',
  scope: ['notes.write'],
  expiresAt: 1_900_000_000_000,
  server: 'person-server',
  pendingId: 'pc_1',
};
const pending: PendingConsent = {
  id: 'pc_1',
  kind: 'auth-token',
  resource: 'https://api.example',
  scope: ['notes.write'],
  pollUrl: 'https://ps.example/pending/1',
  interaction,
  createdAt: 1_899_999_000_000,
  expiresAt: 1_900_000_000_000,
  status: 'pending',
};
const required = new ConsentRequiredError(interaction, pending);

describe('consentRequiredIn', () => {
  it('finds the consent error itself or behind causes a tool or SDK wrapped around it', () => {
    expect(consentRequiredIn(required)).toBe(required);
    const wrapped = new Error('MCP call failed', { cause: new Error('transport', { cause: required }) });
    expect(consentRequiredIn(wrapped)).toBe(required);
  });

  it('finds nothing in other errors, non-errors, or cyclic causes', () => {
    expect(consentRequiredIn(new Error('x'))).toBeUndefined();
    expect(consentRequiredIn('text')).toBeUndefined();
    expect(consentRequiredIn(undefined)).toBeUndefined();
    const cyclic = new Error('a') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(consentRequiredIn(cyclic)).toBeUndefined();
  });
});

describe('describeConsent', () => {
  it('describes the interaction as JSON with a sentence for the person', () => {
    const consent = describeConsent(required);
    expect(consent).toEqual({
      type: 'aauth.consent_required',
      message:
        'The person must approve access to https://api.example (notes.write) at https://ps.example/consent?code=ABCD-EFGH (code ABCD-EFGH).',
      kind: 'interaction',
      interactionUrl: interaction.interactionUrl,
      url: interaction.url,
      code: 'ABCD-EFGH',
      resource: 'https://api.example',
      scope: ['notes.write'],
      expiresAt: interaction.expiresAt,
      pendingId: 'pc_1',
    });
    expect(JSON.parse(JSON.stringify(consent))).toEqual(consent);
    expect(isAAuthConsentRequired(consent)).toBe(true);
  });

  it('describes an approval without a URL', () => {
    const approval: Interaction = {
      kind: 'approval',
      resource: 'https://api.example',
      scope: [],
      expiresAt: 1,
      server: 'person-server',
      pendingId: 'pc_2',
    };
    const consent = describeConsent(new ConsentRequiredError(approval, { ...pending, id: 'pc_2' }));
    expect(consent.message).toBe('Waiting for the person to approve access to https://api.example.');
    expect(consent).not.toHaveProperty('interactionUrl');
    expect(consent).not.toHaveProperty('code');
  });
});

describe('isAAuthConsentRequired', () => {
  it('rejects other values', () => {
    expect(isAAuthConsentRequired({ type: 'aauth.consent_required' })).toBe(false);
    expect(isAAuthConsentRequired({ status: 201 })).toBe(false);
    expect(isAAuthConsentRequired(null)).toBe(false);
    expect(isAAuthConsentRequired('aauth.consent_required')).toBe(false);
  });
});

describe('readableConsentError', () => {
  it('turns each way a consent ends into a ConsentNotGrantedError naming resource, scope and outcome', () => {
    const denied = readableConsentError(
      new ConsentDeniedError('https://api.example', 'denied', 403),
      required,
    );
    expect(denied).toBeInstanceOf(ConsentNotGrantedError);
    expect(denied).toMatchObject({
      outcome: 'denied',
      resource: 'https://api.example',
      scope: ['notes.write'],
    });
    expect((denied as Error).message).toBe(
      'Access to https://api.example (notes.write) was not granted: the person denied the request. ' +
        'The tool call was not performed. Tell the user; do not retry unless they ask.',
    );
    expect(readableConsentError(new ConsentExpiredError('https://api.example'), required)).toMatchObject({
      outcome: 'expired',
    });
    expect(readableConsentError(new InteractionGoneError('https://api.example'), required)).toMatchObject({
      outcome: 'gone',
    });
    expect(readableConsentError(new TimeoutError('slow'), required)).toMatchObject({ outcome: 'timeout' });
    const wrappedDenial = new Error('tool failed', {
      cause: new ConsentDeniedError('https://api.example', 'abandoned', 403),
    });
    expect(readableConsentError(wrappedDenial)).toMatchObject({ outcome: 'abandoned', scope: [] });
  });

  it('keeps every other error as it is', () => {
    const other = new RangeError('bad input');
    expect(readableConsentError(other, required)).toBe(other);
    const timeout = new TimeoutError('network');
    expect(readableConsentError(timeout)).toBe(timeout);
  });
});
