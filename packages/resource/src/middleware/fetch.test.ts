import {
  generateKeyPair,
  InvalidArgumentError,
  parseRequirement,
  parseSignatureError,
} from '@aauth-kit/core';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorld,
  type LoopbackServer,
  type SignedRequestInit,
  signAsAgent,
  startLoopbackServer,
  type World,
} from '../__fixtures__/world.js';
import { createResource } from '../resource.js';
import { sessionTokenId } from '../sessions.js';
import type { Resource } from '../types.js';
import { withAAuth } from './fetch.js';

let world: World;
let server: LoopbackServer;
let handler: (request: Request) => Promise<Response>;
let resource: Resource;

beforeAll(async () => {
  world = await createWorld();
  // A plain fetch handler served over real HTTP (the node adapter only converts the transport).
  server = await startLoopbackServer(getRequestListener((request: Request) => handler(request)));
  resource = createResource({
    issuer: server.origin,
    signer: (await generateKeyPair()).signer,
    development: true,
  });
  const documents = withAAuth(resource, { accept: ['agent', 'person'] }, async (request, identity) =>
    Response.json({ kind: identity.kind, person: identity.person ?? null, body: await request.text() }),
  );
  const summaries = withAAuth(resource, { accept: ['auth'], scope: 'docs.write' }, (_request, identity) =>
    Response.json({ scope: identity.scope }),
  );
  // Immutable headers, as a proxied fetch() response has: the session header must still get through.
  const session = withAAuth(resource, { accept: ['agent'], session: 'issue' }, () =>
    Response.redirect(`${server.origin}/docs`, 303),
  );
  const inSession = withAAuth(resource, { accept: ['agent'], session: 'accept' }, (_request, identity) =>
    Response.json({ session: identity.session?.id ?? null }),
  );
  handler = async (request) => {
    const wellKnown = resource.handleWellKnown(request);
    if (wellKnown !== undefined) return wellKnown;
    const { pathname } = new URL(request.url);
    if (pathname === '/session') return session(request);
    if (pathname === '/in-session') return inSession(request);
    return pathname === '/summaries' ? summaries(request) : documents(request);
  };
});

afterAll(async () => {
  await server.close();
  await world.close();
});

async function call(path: string, token: string, init: SignedRequestInit = {}): Promise<Response> {
  const url = `${server.origin}${path}`;
  const { method, headers, body } = await signAsAgent(world, url, token, init);
  return fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
}

describe('withAAuth (fetch handlers)', () => {
  it('runs the handler with the identity for an accepted token', async () => {
    const response = await call('/docs', await world.personToken({ aud: server.origin }), {
      method: 'POST',
      body: 'note',
      contentType: 'text/plain',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      kind: 'person',
      person: { iss: world.ps.issuer, sub: 'person-1234' },
      body: 'note',
    });
  });

  it('does not run the handler for a challenge, and returns the challenge', async () => {
    const response = await call('/summaries', await world.agentToken());
    expect(response.status).toBe(401);
    expect(parseRequirement(response.headers.get('aauth-requirement') ?? '').requirement).toBe(
      'person-token',
    );
  });

  it('answers an unsigned request with 401 Signature-Error', async () => {
    const response = await fetch(`${server.origin}/docs`);
    expect(response.status).toBe(401);
    expect(parseSignatureError(response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('steps up an auth token that lacks the route scope', async () => {
    await call('/summaries', await world.personToken({ aud: server.origin })); // addresses a resource token to the PS
    const response = await call(
      '/summaries',
      await world.authToken({ aud: server.origin, scope: 'docs.read' }),
    );
    expect(response.status).toBe(401);
    const requirement = parseRequirement(response.headers.get('aauth-requirement') ?? '');
    expect(requirement.requirement).toBe('auth-token');
    const granted = await call(
      '/summaries',
      await world.authToken({ aud: server.origin, scope: 'docs.write' }),
    );
    expect(await granted.json()).toEqual({ scope: ['docs.write'] });
  });

  it('adds AAuth-Access to the handler response on a session-issuing route, and accepts it after', async () => {
    const url = `${server.origin}/session`;
    const signed = await signAsAgent(world, url, await world.agentToken(), { method: 'POST' });
    const issued = await fetch(url, { method: 'POST', headers: signed.headers, redirect: 'manual' });
    expect(issued.status).toBe(303);
    const token = issued.headers.get('aauth-access') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const used = await call('/in-session', await world.agentToken(), {
      headers: { authorization: `AAuth ${token}` },
    });
    expect(used.status).toBe(200);
    expect(await used.json()).toEqual({ session: await sessionTokenId(token) });
  });

  it('refuses an invalid route when wrapping, not on the first request', () => {
    expect(() => withAAuth(resource, { accept: ['person'], scope: 'x' }, () => new Response())).toThrow(
      InvalidArgumentError,
    );
  });
});
