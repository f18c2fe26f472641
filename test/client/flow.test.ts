import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsentDeniedError,
  ConsentRequiredError,
  type Interaction,
} from '../../packages/core/src/client/index.js';
import { AbortedError, type GeneratedKeyPair, generateKeyPair } from '../../packages/core/src/index.js';
import { activeTimers, type DevWorld, devWorld } from './helpers.js';

let world: DevWorld | undefined;
afterEach(async () => {
  await world?.server.close();
  world = undefined;
});

const SUMMARY = '/documents/1/summary';

describe('agent client against the dev server', () => {
  it('reads with the agent token alone in one round trip', async () => {
    world = await devWorld();
    const response = await world.client.fetch(`${world.resource}/documents`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { documents: unknown[] }).documents.length).toBeGreaterThan(0);
    expect(world.transport.count()).toBe(1);
    expect(world.transport.exchanges[0]?.url).toBe(`${world.resource}/documents`);
  });

  it('runs a cold write through person token, consent (approved) and auth token, then stays warm', async () => {
    const interactions: Interaction[] = [];
    world = await devWorld(
      {},
      {
        onInteraction: async (interaction) => {
          interactions.push(interaction);
          await world!.server.simulatedUser.approve(interaction.code!);
        },
      },
    );
    const response = await world.client.fetch(`${world.resource}${SUMMARY}`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ document_id: '1' });
    expect(interactions).toHaveLength(1);
    expect(interactions[0]).toMatchObject({
      kind: 'interaction',
      resource: world.resource,
      scope: ['documents.write'],
      server: 'person-server',
    });
    expect(interactions[0]?.interactionUrl).toBe(
      `${interactions[0]?.url}?code=${encodeURIComponent(interactions[0]!.code!)}`,
    );
    expect(world.personTokenRequests()).toBe(1);
    expect(world.authTokenRequests()).toBe(1);

    // Warm: exactly one exchange per call, no PS traffic.
    world.transport.reset();
    const again = await world.client.fetch(`${world.resource}${SUMMARY}`, { method: 'POST' });
    expect(again.status).toBe(201);
    expect(world.transport.count()).toBe(1);
  });

  it('surfaces a denial as ConsentDeniedError carrying the problem code', async () => {
    world = await devWorld(
      {},
      { onInteraction: (interaction) => world!.server.simulatedUser.deny(interaction.code!) },
    );
    const error = await world.client
      .fetch(`${world.resource}${SUMMARY}`, { method: 'POST' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeniedError);
    expect((error as ConsentDeniedError).error).toBe('denied');
    expect((error as ConsentDeniedError).code).toBe('ERR_CONSENT_DENIED');
    expect(world.client.pendingConsent(world.resource)).toBeUndefined();
  });

  it('surfaces a Person Server policy that denies outright (403 denied, no pending request) as ConsentDeniedError', async () => {
    world = await devWorld({ policies: [{ scope: 'documents.write', decision: 'deny' }] });
    const error = await world.client
      .fetch(`${world.resource}${SUMMARY}`, { method: 'POST' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeniedError);
    expect(error).toMatchObject({ error: 'denied', status: 403, code: 'ERR_CONSENT_DENIED' });
    expect(world.authTokenRequests()).toBe(1);
  });

  it("in 'throw' mode raises ConsentRequiredError, remembers it, and a re-run polls the same consent", async () => {
    world = await devWorld({}, { consent: 'throw' });
    const url = `${world.resource}${SUMMARY}`;
    const first = await world.client.fetch(url, { method: 'POST' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ConsentRequiredError);
    const { pending, interaction } = first as ConsentRequiredError;
    expect(interaction.code).toBeTruthy();
    expect(world.client.pendingConsent(world.resource)?.id).toBe(pending.id);
    expect(world.client.pendingConsent(url)?.id).toBe(pending.id);

    // Still pending: the re-run throws again for the very same consent and asks the PS nothing new.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await world.client.fetch(url, { method: 'POST' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ConsentRequiredError);
    expect((second as ConsentRequiredError).pending.id).toBe(pending.id);
    expect(world.authTokenRequests()).toBe(1);

    await world.server.simulatedUser.approve(interaction.code!);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await world.client.fetch(url, { method: 'POST' });
    expect(third.status).toBe(201);
    expect(world.authTokenRequests()).toBe(1);
    expect(world.client.pendingConsent(world.resource)).toBeUndefined();
  });

  it("withConsent('throw') gives a 'wait' client's caller the pause, and the 'wait' client then finishes the same consent", async () => {
    world = await devWorld();
    expect(world.client.consentMode).toBe('wait');
    const throwing = world.client.withConsent('throw');
    expect(throwing.consentMode).toBe('throw');
    expect(throwing.withConsent('wait')).toBe(world.client.withConsent('wait'));
    const url = `${world.resource}${SUMMARY}`;
    const error = await throwing.fetch(url, { method: 'POST' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    const { interaction, pending } = error as ConsentRequiredError;
    // Views share state: the remembered consent is visible from the original client.
    expect(world.client.pendingConsent(world.resource)?.id).toBe(pending.id);
    const finishing = world.client.fetch(url, { method: 'POST' });
    await world.server.simulatedUser.approve(interaction.code!);
    expect((await finishing).status).toBe(201);
    expect(world.authTokenRequests()).toBe(1);
  });

  it('waitForConsent resolves with the auth token once the person approves', async () => {
    world = await devWorld({}, { consent: 'throw' });
    const error = (await world.client
      .fetch(`${world.resource}${SUMMARY}`, { method: 'POST' })
      .catch((e: unknown) => e)) as ConsentRequiredError;
    expect(error).toBeInstanceOf(ConsentRequiredError);
    const waiting = world.client.waitForConsent(error.pending);
    await world.server.simulatedUser.approve(error.interaction.code!);
    const token = await waiting;
    expect(token.split('.')).toHaveLength(3);
    world.transport.reset();
    const response = await world.client.fetch(`${world.resource}${SUMMARY}`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(world.transport.count()).toBe(1);
  });

  it('rejects within 100 ms with AbortedError when the caller aborts while waiting, leaving no timer', async () => {
    const before = activeTimers();
    const controller = new AbortController();
    let abortedAt = 0;
    world = await devWorld(
      {},
      {
        onInteraction: () => {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 200);
        },
      },
    );
    const error = await world.client
      .fetch(`${world.resource}${SUMMARY}`, { method: 'POST', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(Date.now() - abortedAt).toBeLessThan(100);
    // The consent is still remembered: a later run can resume it.
    expect(world.client.pendingConsent(world.resource)).toBeDefined();
    await world.server.close();
    world = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });

  it('makes one person-token request, one auth-token request and one onInteraction for 50 parallel cold calls', async () => {
    let interactions = 0;
    world = await devWorld(
      {},
      {
        onInteraction: async (interaction) => {
          interactions++;
          await world!.server.simulatedUser.approve(interaction.code!);
        },
      },
    );
    const url = `${world.resource}${SUMMARY}`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => world!.client.fetch(url, { method: 'POST' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(world.personTokenRequests()).toBe(1);
    expect(world.authTokenRequests()).toBe(1);
    expect(interactions).toBe(1);
  });

  it('answers a Person Server clarification, then completes the consent', async () => {
    const questions: string[] = [];
    world = await devWorld(
      {
        policies: [
          { scope: 'documents.write', decision: 'clarify', question: 'Why do you need to write summaries?' },
        ],
      },
      {
        onClarification: async ({ question }) => {
          questions.push(question);
          return 'To prepare the board meeting';
        },
        onInteraction: async (interaction) => {
          await world!.server.simulatedUser.approve(interaction.code!);
        },
      },
    );
    const response = await world.client.fetch(`${world.resource}${SUMMARY}`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(questions).toEqual(['Why do you need to write summaries?']);
    const clarifications = world.transport.exchanges.filter(
      (e) => e.method === 'POST' && e.url.includes('/pending/'),
    );
    expect(clarifications).toHaveLength(1);
  });

  it('refreshes agent, person and auth tokens once the clock passes their refresh margin', async () => {
    let clock = Math.floor(Date.now() / 1000);
    const key = await generateKeyPair();
    world = await devWorld(
      { now: () => clock, policies: [{ scope: 'documents.write', decision: 'auto-approve' }] },
      {
        signer: key.signer,
        now: () => clock,
        agentToken: async () => (await world!.server.registerAgent({ publicJwk: key.publicJwk })).agentToken,
      },
    );
    const url = `${world.resource}${SUMMARY}`;
    expect((await world.client.fetch(url, { method: 'POST' })).status).toBe(201);
    expect(world.personTokenRequests()).toBe(1);
    expect(world.authTokenRequests()).toBe(1);
    clock += 3600 - 200;
    world.transport.reset();
    expect((await world.client.fetch(url, { method: 'POST' })).status).toBe(201);
    expect(world.personTokenRequests()).toBe(1);
    expect(world.authTokenRequests()).toBe(1);
    // agent token → 401 person-token → person token → 401 auth-token → auth token → 201
    expect(world.transport.count((e) => e.url.startsWith(world!.resource))).toBe(3);
  });

  it('never reuses person or auth tokens across a key rotation', async () => {
    let current: GeneratedKeyPair = await generateKeyPair();
    const signer = {
      get alg() {
        return current.signer.alg;
      },
      get publicJwk() {
        return current.signer.publicJwk;
      },
      sign: (data: Uint8Array) => current.signer.sign(data),
    };
    world = await devWorld(
      { policies: [{ scope: 'documents.write', decision: 'auto-approve' }] },
      {
        signer,
        agentToken: async () =>
          (await world!.server.registerAgent({ publicJwk: current.publicJwk })).agentToken,
      },
    );
    const url = `${world.resource}${SUMMARY}`;
    expect((await world.client.fetch(url, { method: 'POST' })).status).toBe(201);
    current = await generateKeyPair();
    world.transport.reset();
    expect((await world.client.fetch(url, { method: 'POST' })).status).toBe(201);
    expect(world.personTokenRequests()).toBe(1);
    expect(world.authTokenRequests()).toBe(1);
    expect(world.events.filter((e) => e.step === 'resource' && e.phase === 'request').at(-3)?.token).toBe(
      'agent',
    );
  });
});
