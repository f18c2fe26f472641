/**
 * Two deferred-answer corner cases: a relative `Location` in a 202 that answers a poll resolves against
 * the polled URL (RFC 9110 §10.2.2), and a PS `502 as_unreachable` is retried once with a fresh
 * resource token after a short `Retry-After` (P11 §8).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PersonServerError } from '../../packages/core/src/client/index.js';
import { AbortedError } from '../../packages/core/src/index.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';
import { activeTimers, json } from './helpers.js';

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sigKeyToken = (headers: Record<string, unknown>): string =>
  /jwt="([^"]+)"/.exec(String(headers['signature-key'] ?? ''))?.[1] ?? '';
const typOf = (jwt: string): unknown =>
  JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')).typ;

describe('a 202 from a poll of a held resource call', () => {
  it('resolves its relative Location against the polled URL, not the original request URL', async () => {
    world = await fakeWorld({
      client: { preferWaitSeconds: 0, minPollIntervalMs: 10 },
      resource: async (request, verified, w) => {
        const token = verified?.token;
        if (token === undefined || token.kind === 'agent') return undefined;
        const presented = { jti: String(token.claims.jti), sub: String(token.claims.sub) };
        const held = (location: string) =>
          w.resourceToken(presented).then((rt) =>
            json(
              202,
              { status: 'pending' },
              {
                'aauth-requirement': `requirement=auth-token; resource-token="${rt}"`,
                location,
                'retry-after': '0',
              },
            ),
          );
        if (request.path === '/api/jobs' && token.kind === 'person') return held('/held/1/');
        // The held call asks for a new auth token and moves on to a path relative to itself.
        if (request.path === '/held/1/' && token.kind === 'auth') return held('step-2');
        if (request.path === '/held/1/step-2' && token.kind === 'auth') return json(200, { done: true });
        return json(404, { error: 'not_found', path: request.path });
      },
    });
    const response = await world.client.fetch(`${world.resource.origin}/api/jobs`, {
      method: 'POST',
      body: 'go',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    const polled = world.resource.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(polled).toEqual(['/held/1/', '/held/1/step-2']);
    expect(world.resource.requests.some((r) => r.path === '/api/step-2')).toBe(false);
    expect(world.psRequests('/token')).toHaveLength(2);
  });

  it('still refuses a Location in that 202 that leaves the polled origin', async () => {
    world = await fakeWorld({
      client: { preferWaitSeconds: 0, minPollIntervalMs: 10 },
      resource: async (request, verified, w) => {
        const token = verified?.token;
        if (token === undefined || token.kind === 'agent') return undefined;
        const rt = await w.resourceToken({ jti: String(token.claims.jti), sub: String(token.claims.sub) });
        const location = request.path === '/held/1/' ? 'http://127.0.0.1:9/elsewhere' : '/held/1/';
        return json(
          202,
          { status: 'pending' },
          {
            'aauth-requirement': `requirement=auth-token; resource-token="${rt}"`,
            location,
            'retry-after': '0',
          },
        );
      },
    });
    const error = await world.client
      .fetch(`${world.resource.origin}/api/jobs`, { method: 'POST', body: 'go' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: 'ERR_PROTOCOL' });
    expect(String((error as Error).message)).toContain('is not on the responder');
  });
});

/** A PS whose /token answers 502 `as_unreachable` `failures` times (with `headers`), then issues. */
function unreachableAs(failures: number, headers: Record<string, string> = {}) {
  const times: number[] = [];
  const resourceTokens: string[] = [];
  return {
    times,
    resourceTokens,
    ps: async (request: { path: string; body: string }, w: FakeWorld) => {
      if (request.path !== '/token') return undefined;
      times.push(Date.now());
      resourceTokens.push(String((JSON.parse(request.body) as { resource_token?: unknown }).resource_token));
      if (times.length <= failures) {
        return json(502, { error: 'as_unreachable', detail: 'AS down' }, headers);
      }
      return json(200, { auth_token: await w.authToken(), expires_in: 3600 });
    },
  };
}

describe('PS 502 as_unreachable on the auth token request', () => {
  it('waits out a short Retry-After, re-sends the resource request and retries with a fresh resource token', async () => {
    const ps = unreachableAs(1, { 'retry-after': '1' });
    world = await fakeWorld({ ps: ps.ps });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`, {
      method: 'POST',
      body: 'x',
    });
    expect(response.status).toBe(200);
    expect(ps.times).toHaveLength(2);
    expect(ps.times[1]! - ps.times[0]!).toBeGreaterThanOrEqual(950);
    expect(ps.resourceTokens[0]).not.toBe(ps.resourceTokens[1]);
    // agent → person (rt 1) → person again (rt 2) → auth
    const kinds = world.resource.requests.map((r) => typOf(sigKeyToken(r.headers)));
    expect(kinds).toEqual(['aa-agent+jwt', 'aa-person+jwt', 'aa-person+jwt', 'aa-auth+jwt']);
  });

  it('retries at once without Retry-After, and a second as_unreachable is a PersonServerError', async () => {
    const ps = unreachableAs(2);
    world = await fakeWorld({ ps: ps.ps });
    const error = await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PersonServerError);
    expect(error).toMatchObject({ status: 502, error: 'as_unreachable' });
    expect(ps.times).toHaveLength(2);
    expect(ps.resourceTokens[0]).not.toBe(ps.resourceTokens[1]);
  });

  it('does not sit through a Retry-After above 10 s: PersonServerError at once, carrying retryAfterMs', async () => {
    const ps = unreachableAs(1, { 'retry-after': '30' });
    world = await fakeWorld({ ps: ps.ps });
    const started = Date.now();
    const error = await world.client
      .fetch(`${world.resource.origin}/files/1`, { method: 'POST', body: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(PersonServerError);
    expect(error).toMatchObject({ status: 502, error: 'as_unreachable', retryAfterMs: 30_000 });
    expect(ps.times).toHaveLength(1);
  });

  it('the Retry-After wait is abortable and leaves no timer behind', async () => {
    const timersBefore = activeTimers();
    const ps = unreachableAs(1, { 'retry-after': '8' });
    world = await fakeWorld({ ps: ps.ps });
    const controller = new AbortController();
    const w = world;
    const waiting = w.client
      .fetch(`${w.resource.origin}/files/1`, { method: 'POST', body: 'x', signal: controller.signal })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    while (ps.times.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = Date.now();
    controller.abort();
    const error = await waiting;
    expect(Date.now() - aborted).toBeLessThan(100);
    expect(error).toBeInstanceOf(AbortedError);
    expect(ps.times).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });
});
