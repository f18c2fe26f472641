/**
 * Redirects of signed requests: a signature (and the token in Signature-Key) is bound to one request,
 * so the client never lets fetch follow a redirect with it. The 3xx goes back to the caller (resource
 * calls) or ends in a typed error (Person Server calls); nothing signed reaches the redirect target.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PersonServerError } from '../../packages/core/src/client/index.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';
import { json, type LoopbackServer, loopbackServer } from './helpers.js';

let world: FakeWorld | undefined;
let elsewhere: LoopbackServer | undefined;
afterEach(async () => {
  await world?.close();
  await elsewhere?.close();
  world = undefined;
  elsewhere = undefined;
});

describe('redirects of signed requests', () => {
  it('returns a resource 307 to another origin without sending the signed request there', async () => {
    elsewhere = await loopbackServer(() => json(200, { leaked: true }));
    const target = `${elsewhere.origin}/steal`;
    world = await fakeWorld({
      resource: (request) =>
        request.path === '/files/1' ? { status: 307, headers: { location: target } } : undefined,
    });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`, {
      method: 'POST',
      body: 'x',
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(target);
    expect(elsewhere.requests).toEqual([]);
  });

  it('does not follow a redirect even when the caller asked for redirect: follow', async () => {
    elsewhere = await loopbackServer(() => json(200, { leaked: true }));
    const target = `${elsewhere.origin}/steal`;
    world = await fakeWorld({
      resource: (request) =>
        request.path === '/files/1' ? { status: 302, headers: { location: target } } : undefined,
    });
    const response = await world.client.fetch(`${world.resource.origin}/files/1`, { redirect: 'follow' });
    expect(response.status).toBe(302);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a Person Server token endpoint redirecting elsewhere gets neither the body nor the signature', async () => {
    elsewhere = await loopbackServer(() => json(200, { person_token: 'x', expires_in: 60 }));
    const target = `${elsewhere.origin}/person-token`;
    world = await fakeWorld({
      ps: (request) =>
        request.path === '/person-token' ? { status: 308, headers: { location: target } } : undefined,
    });
    const error = await world.client.fetch(`${world.resource.origin}/files/1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersonServerError);
    expect((error as PersonServerError).status).toBe(308);
    expect(elsewhere.requests).toEqual([]);
  });
});
