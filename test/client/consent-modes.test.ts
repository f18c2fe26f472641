/**
 * Calls in different consent modes (`client.withConsent`) sharing one cold resource: they share the
 * Person Server request (single-flight), yet each gets the behaviour of its own mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentRequiredError } from '../../packages/core/src/client/index.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';
import { json } from './helpers.js';

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heldConsentWorld(state: { approved: boolean }): Promise<FakeWorld> {
  return fakeWorld({
    client: { minPollIntervalMs: 20, consentTimeoutMs: 5000 },
    ps: async (request, w) => {
      if (request.path === '/token') {
        await delay(150); // both calls join the one auth-token request
        return json(
          202,
          { status: 'pending' },
          {
            location: `${w.ps.origin}/pending/1`,
            'retry-after': '0',
            'aauth-requirement': 'requirement=interaction; url="https://ps.example/i"; code="ABCD-2345"',
          },
        );
      }
      if (request.path === '/pending/1') {
        return state.approved
          ? json(200, { auth_token: await w.authToken() })
          : json(202, { status: 'pending' }, { location: `${w.ps.origin}/pending/1`, 'retry-after': '0' });
      }
      return undefined;
    },
  });
}

describe('concurrent calls in different consent modes', () => {
  it("a 'throw' call joining a waiting call's consent throws ConsentRequiredError instead of blocking", async () => {
    const state = { approved: false };
    world = await heldConsentWorld(state);
    const url = `${world.resource.origin}/files/1`;
    const waiting = world.client.fetch(url);
    await delay(20);
    const throwing = world.client
      .withConsent('throw')
      .fetch(url)
      .then(
        (response) => response.status,
        (e: unknown) => e,
      );
    const outcome = await Promise.race([throwing, delay(1500).then(() => 'still blocked')]);
    expect(outcome).toBeInstanceOf(ConsentRequiredError);
    state.approved = true;
    expect((await waiting).status).toBe(200);
    expect(world.psRequests('/token')).toHaveLength(1);
  });

  it("a 'wait' call joining a throwing call's consent waits for it instead of throwing", async () => {
    const state = { approved: false };
    world = await heldConsentWorld(state);
    const url = `${world.resource.origin}/files/1`;
    const throwing = world.client
      .withConsent('throw')
      .fetch(url)
      .catch((e: unknown) => e);
    await delay(20);
    const waiting = world.client.fetch(url).then(
      (response) => response.status,
      (e: unknown) => e,
    );
    expect(await throwing).toBeInstanceOf(ConsentRequiredError);
    await delay(100);
    state.approved = true;
    expect(await waiting).toBe(200);
    expect(world.psRequests('/token')).toHaveLength(1);
  });
});
