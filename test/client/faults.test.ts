/**
 * A broken Person Server, played by small node:http servers on loopback: every failure ends in a typed
 * error within its bound, with no unhandled rejection and no timer left behind.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PersonServerError, ProtocolError } from '../../packages/core/src/client/index.js';
import { AAuthError, NetworkError, TimeoutError } from '../../packages/core/src/index.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';
import { activeTimers, json, loopbackServer } from './helpers.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

let world: FakeWorld | undefined;
let timersBefore = 0;
beforeEach(() => {
  timersBefore = activeTimers();
  unhandled.length = 0;
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(unhandled).toEqual([]);
  expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
});

const FAST = { requestTimeoutMs: 400, preferWaitSeconds: 0, consentTimeoutMs: 1500, minPollIntervalMs: 50 };

async function attempt(w: FakeWorld): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await w.client.fetch(`${w.resource.origin}/files/1`, { method: 'POST', body: 'x' }).then(
    (response) => response,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

function pending(origin: string, extra: Record<string, string> = {}) {
  return json(202, { status: 'pending' }, { location: `${origin}/pending/1`, 'retry-after': '0', ...extra });
}

describe('faults at the Person Server', () => {
  it('PS down (nothing listening): a typed network/discovery error, fast', async () => {
    const dead = await loopbackServer(() => json(200, {}));
    await dead.close();
    world = await fakeWorld({ client: { ...FAST, personServer: dead.origin } });
    const { error, ms } = await attempt(world);
    expect(error).toBeInstanceOf(AAuthError);
    expect(['ERR_DISCOVERY', 'ERR_NETWORK']).toContain((error as AAuthError).code);
    expect(ms).toBeLessThan(2000);
  });

  it('token endpoint down: NetworkError', async () => {
    const dead = await loopbackServer(() => json(200, {}));
    await dead.close();
    world = await fakeWorld({
      client: FAST,
      ps: (request, w) =>
        request.path === '/.well-known/aauth-person.json'
          ? json(200, {
              issuer: w.ps.origin,
              jwks_uri: `${w.ps.origin}/jwks.json`,
              person_token_endpoint: `${dead.origin}/person-token`,
              auth_token_endpoint: `${dead.origin}/token`,
            })
          : undefined,
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(NetworkError);
  });

  it('slow PS (never answers): TimeoutError within requestTimeoutMs', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) => (request.path === '/person-token' ? 'hang' : undefined),
    });
    const { error, ms } = await attempt(world);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(1500);
  });

  it('500: PersonServerError with status and problem code', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) =>
        request.path === '/person-token' ? json(500, { error: 'server_error', detail: 'boom' }) : undefined,
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(PersonServerError);
    expect(error).toMatchObject({ status: 500, error: 'server_error', code: 'ERR_PERSON_SERVER' });
  });

  it('malformed JSON on a 200: ProtocolError', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) =>
        request.path === '/person-token'
          ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"person_tok' }
          : undefined,
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).status).toBe(200);
  });

  it('a 200 without a usable token: ProtocolError', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) => (request.path === '/person-token' ? json(200, { person_token: 'nope' }) : undefined),
    });
    expect((await attempt(world)).error).toBeInstanceOf(ProtocolError);
  });

  it('202 without Location: ProtocolError', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) =>
        request.path === '/token' ? json(202, { status: 'pending' }, { 'retry-after': '0' }) : undefined,
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(/Location/);
  });

  it('202 with a Location on another origin: ProtocolError', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) =>
        request.path === '/token'
          ? json(
              202,
              { status: 'pending' },
              { location: 'https://elsewhere.example/pending/1', 'retry-after': '0' },
            )
          : undefined,
    });
    expect((await attempt(world)).error).toBeInstanceOf(ProtocolError);
  });

  it('202 forever: TimeoutError at consentTimeoutMs, polling politely meanwhile', async () => {
    world = await fakeWorld({
      client: { ...FAST, minPollIntervalMs: 100 },
      ps: (request, w) =>
        request.path === '/token' || request.path === '/pending/1' ? pending(w.ps.origin) : undefined,
    });
    const { error, ms } = await attempt(world);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(2500);
    const polls = world.psRequests('/pending/1').length;
    expect(polls).toBeGreaterThan(3);
    expect(polls).toBeLessThanOrEqual(16);
  });

  it('429 storm while polling: each 429 adds 5 s, so the wait ends with TimeoutError at its bound', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request, w) => {
        if (request.path === '/token') return pending(w.ps.origin);
        if (request.path === '/pending/1') return json(429, { error: 'slow_down' });
        return undefined;
      },
    });
    const { error, ms } = await attempt(world);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(2500);
    // First poll at once, then +5 s: the 1.5 s bound leaves room for exactly one poll.
    expect(world.psRequests('/pending/1')).toHaveLength(1);
  });

  it('429 on the token request itself: one retry when a short Retry-After allows, then PersonServerError', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request) =>
        request.path === '/person-token'
          ? json(429, { error: 'rate_limited' }, { 'retry-after': '0' })
          : undefined,
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(PersonServerError);
    expect((error as PersonServerError).status).toBe(429);
    expect(world.psRequests('/person-token')).toHaveLength(2);
  });

  it('poll answers 500: PersonServerError, and the consent is forgotten', async () => {
    world = await fakeWorld({
      client: FAST,
      ps: (request, w) => {
        if (request.path === '/token') return pending(w.ps.origin);
        if (request.path === '/pending/1') return json(500, { error: 'server_error' });
        return undefined;
      },
    });
    const { error } = await attempt(world);
    expect(error).toBeInstanceOf(PersonServerError);
    expect(world.client.pendingConsent()).toBeUndefined();
  });

  it('garbage AAuth-Requirement from the resource: ProtocolError', async () => {
    world = await fakeWorld({
      client: FAST,
      resource: () => json(401, {}, { 'aauth-requirement': 'requirement=("x")' }),
    });
    expect((await attempt(world)).error).toBeInstanceOf(ProtocolError);
  });
});
