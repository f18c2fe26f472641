import {
  type AAuthClient,
  ConsentRequiredError,
  type Interaction,
  InteractionGoneError,
  type PendingConsent,
} from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { MAX_CONSENT_ROUNDS, runToolCall } from './consent-loop.js';
import { resolveOptions } from './options.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=C',
  url: 'https://ps.example/consent',
  code: 'C',
  resource: 'https://api.example',
  scope: ['w'],
  expiresAt: 9e15,
  server: 'person-server',
  pendingId: 'pc_1',
};
const pending: PendingConsent = {
  id: 'pc_1',
  kind: 'auth-token',
  resource: 'https://api.example',
  scope: ['w'],
  pollUrl: 'https://ps.example/pending/1',
  interaction,
  createdAt: 0,
  expiresAt: 9e15,
  status: 'pending',
};

/**
 * The client calls the wait loop makes, scripted: these tests are about the loop's own decisions
 * (when to wait, when to run again, when to give up); the real client is exercised end to end in the
 * other suites.
 */
function scriptedClient(script: { live: boolean; wait: () => Promise<string> }) {
  const calls = { waits: 0 };
  const client = {
    fetch: async () => new Response(),
    pendingConsent: () => (script.live ? pending : undefined),
    waitForConsent: async () => {
      calls.waits++;
      return script.wait();
    },
    // The adapter calls through the client's 'throw' view; the script is that view.
    withConsent: () => client,
  } as unknown as AAuthClient;
  return { client, calls };
}

const tool = { name: 't', callId: 'call_1', signal: undefined };

describe("the 'wait' loop", () => {
  it('gives up with the last ConsentRequiredError when consent after consent is asked for', async () => {
    const { client, calls } = scriptedClient({ live: true, wait: async () => 'token' });
    let attempts = 0;
    const error = await runToolCall(resolveOptions({ client, consent: 'wait' }), tool, async () => {
      attempts++;
      throw new ConsentRequiredError(interaction, pending);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect(attempts).toBe(MAX_CONSENT_ROUNDS + 1);
    expect(calls.waits).toBe(MAX_CONSENT_ROUNDS);
  });

  it('runs again without waiting when the consent was already collected by a parallel call', async () => {
    const { client, calls } = scriptedClient({ live: false, wait: async () => 'token' });
    let attempts = 0;
    const outcome = await runToolCall(resolveOptions({ client, consent: 'wait' }), tool, async () => {
      attempts++;
      if (attempts === 1) throw new ConsentRequiredError(interaction, pending);
      return 'result';
    });
    expect(outcome).toEqual({ kind: 'done', value: 'result' });
    expect(calls.waits).toBe(0);
  });

  it('treats a pending request gone while waiting as "run again", not as a refusal', async () => {
    const { client } = scriptedClient({
      live: true,
      wait: async () => {
        throw new InteractionGoneError('https://api.example', { error: 'gone' });
      },
    });
    let attempts = 0;
    const outcome = await runToolCall(resolveOptions({ client, consent: 'wait' }), tool, async () => {
      attempts++;
      if (attempts === 1) throw new ConsentRequiredError(interaction, pending);
      return 'result';
    });
    expect(outcome).toEqual({ kind: 'done', value: 'result' });
    expect(attempts).toBe(2);
  });
});
