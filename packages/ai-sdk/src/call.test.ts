/** The consent loop's limits: the wait bound, aborts, and a call that keeps needing new consents. */
import {
  type AAuthClient,
  AbortedError,
  ConsentRequiredError,
  type Interaction,
  type PendingConsent,
} from '@aauth-kit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noteTools } from './__fixtures__/tools.js';
import { startWorld, type World } from './__fixtures__/world.js';
import { ConsentNotGrantedError, TooManyConsentsError } from './errors.js';
import { aauthTool } from './tool.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

const call = { toolCallId: 'c1', messages: [] };

describe('the consent wait', () => {
  it('gives up after consentTimeoutMs with a readable timeout error', async () => {
    const url = `${world.notes.origin}/notes`;
    const quick = aauthTool({
      client: world.newClient(),
      consentTimeoutMs: 150,
      inputSchema: z.object({ text: z.string() }),
      execute: async ({ text }, { fetch }) =>
        (await fetch(url, { method: 'POST', body: JSON.stringify({ text }) })).status,
    });
    const error: unknown = await (quick.execute({ text: 'slow' }, call) as Promise<unknown>).catch(
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConsentNotGrantedError);
    expect(error).toMatchObject({ outcome: 'timeout', resource: world.notes.origin });
    expect(world.notes.notes).toEqual([]);
  });

  it('stops when the SDK aborts the call, with the abort (not a consent error)', async () => {
    const controller = new AbortController();
    const { addNote } = noteTools(world, { client: world.newClient() });
    const running = addNote.execute({ text: 'aborted' }, { ...call, abortSignal: controller.signal });
    await world.dev.simulatedUser.next({ timeoutMs: 5000 });
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('maxConsents', () => {
  it('stops a call that keeps running into new consents', async () => {
    let consents = 0;
    let waits = 0;
    // A client whose every request needs a new consent (no server produces this; it bounds the loop).
    const endless = {
      fetch: async () => {
        consents++;
        const interaction: Interaction = {
          kind: 'approval',
          resource: 'https://api.example',
          scope: [],
          expiresAt: Date.now() + 60_000,
          server: 'person-server',
          pendingId: `pc_${consents}`,
        };
        const pending = { id: `pc_${consents}` } as PendingConsent;
        throw new ConsentRequiredError(interaction, pending);
      },
      waitForConsent: async () => {
        waits++;
        return 'token';
      },
      // The tool calls through the client's 'throw' view; this client already throws.
      withConsent: () => endless,
    } as unknown as AAuthClient;
    const looping = aauthTool({
      client: endless,
      maxConsents: 2,
      inputSchema: z.object({}),
      execute: async (_input, { fetch }) => (await fetch('https://api.example/x')).status,
    });
    await expect(looping.execute({}, call) as Promise<unknown>).rejects.toBeInstanceOf(TooManyConsentsError);
    expect(waits).toBe(2);
    expect(consents).toBe(3);
  });
});
