import {
  type AAuthClient,
  AbortedError,
  ConfigurationError,
  ConsentRequiredError,
  jwkThumbprint,
} from '@aauth-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTES_WRITE, startWorld, type World } from './__fixtures__/world.js';
import { aauthFetch, createAAuthFetch, runWithFetch } from './fetch.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

describe('createAAuthFetch', () => {
  it('signs requests with the agent key; the resource verifies the agent token', async () => {
    const fetch = createAAuthFetch(world.client);
    const response = await fetch(`${world.notes.origin}/notes`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ notes: [] });
    expect(world.notes.seen.at(-1)).toEqual(
      expect.objectContaining({
        method: 'GET',
        kind: 'agent',
        agentId: world.agentId,
        agentJkt: jwkThumbprint(world.key.publicJwk),
      }),
    );
  });

  it('with a consent: throw client, a call that needs consent rejects with the interaction to show', async () => {
    const fetch = createAAuthFetch(world.newClient());
    const pending = fetch(`${world.notes.origin}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"t"}',
    });
    const error: unknown = await pending.catch((reason: unknown) => reason);
    const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });

    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).interaction).toEqual(
      expect.objectContaining({ interactionUrl: interaction.url, scope: [NOTES_WRITE] }),
    );
  });

  it('follows its signal: an aborted signal aborts the request', async () => {
    const controller = new AbortController();
    controller.abort();
    const fetch = createAAuthFetch(world.client, { signal: controller.signal });
    await expect(fetch(`${world.notes.origin}/notes`)).rejects.toBeInstanceOf(AbortedError);
  });

  it("keeps a Request's own signal next to its signal", async () => {
    const own = new AbortController();
    own.abort();
    const fetch = createAAuthFetch(world.client, { signal: new AbortController().signal });
    const request = new Request(`${world.notes.origin}/notes`, { signal: own.signal });
    await expect(fetch(request)).rejects.toBeInstanceOf(AbortedError);
  });

  it('refuses what is not an agent client, and a signal that is not an AbortSignal', () => {
    expect(() => createAAuthFetch({} as AAuthClient)).toThrow(ConfigurationError);
    expect(() => createAAuthFetch(null as unknown as AAuthClient)).toThrow(ConfigurationError);
    expect(() => createAAuthFetch(world.client, { signal: 'stop' as unknown as AbortSignal })).toThrow(
      ConfigurationError,
    );
  });
});

describe('aauthFetch', () => {
  it('uses the signed fetch of the tool call it runs in', async () => {
    const response = await runWithFetch(createAAuthFetch(world.client), () =>
      aauthFetch(`${world.notes.origin}/notes`),
    );
    expect(response.status).toBe(200);
  });

  it('rejects outside a tool call instead of sending an unsigned request', async () => {
    const before = world.notes.seen.length;
    await expect(aauthFetch(`${world.notes.origin}/notes`)).rejects.toBeInstanceOf(ConfigurationError);
    expect(world.notes.seen).toHaveLength(before);
  });
});
