import { generateKeyPair, parseRequirement, parseSignatureError } from '@aauth-kit/core';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
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
import { type AAuthEnv, aauth } from './hono.js';

let world: World;
let server: LoopbackServer;
const app = new Hono<AAuthEnv>();

beforeAll(async () => {
  world = await createWorld();
  server = await startLoopbackServer(getRequestListener(app.fetch));
  const resource = createResource({
    issuer: server.origin,
    signer: (await generateKeyPair()).signer,
    development: true,
    maxBodyBytes: 1024,
  });
  app.get('/docs', aauth(resource, { accept: ['agent'] }), (c) =>
    c.json({ agent: c.get('aauth').agentId, kind: c.get('aauth').kind }),
  );
  app.post('/docs', aauth(resource, { accept: ['agent'] }), async (c) =>
    c.json({ received: await c.req.json() }),
  );
  app.put('/summaries', aauth(resource, { accept: ['auth'], scope: ['docs.write'] }), (c) =>
    c.json({ person: c.get('aauth').person, scope: c.get('aauth').scope }),
  );
  app.post('/session', aauth(resource, { accept: ['agent'], session: 'issue' }), (c) => c.body(null, 204));
  app.get('/.well-known/*', (c) => resource.handleWellKnown(c.req.raw) ?? c.notFound());
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

describe('hono aauth()', () => {
  it('lets a verified request through with the identity in c.get("aauth")', async () => {
    const response = await call('/docs', await world.agentToken());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ agent: 'aauth:bot@localhost', kind: 'agent' });
  });

  it('adds AAuth-Access to the response on a session-issuing route', async () => {
    const response = await call('/session', await world.agentToken(), { method: 'POST' });
    expect(response.status).toBe(204);
    expect(response.headers.get('aauth-access')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('leaves the body readable with c.req.json() after verifying its digest', async () => {
    const response = await call('/docs', await world.agentToken(), { method: 'POST', body: { title: 'x' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { title: 'x' } });
  });

  it('answers an agent token on a person-or-auth route with requirement=person-token', async () => {
    const response = await call('/summaries', await world.agentToken(), { method: 'PUT' });
    expect(response.status).toBe(401);
    expect(parseRequirement(response.headers.get('aauth-requirement') ?? '').requirement).toBe(
      'person-token',
    );
  });

  it('walks person token → resource token → auth token → 200', async () => {
    const challenged = await call('/summaries', await world.personToken({ aud: server.origin }), {
      method: 'PUT',
    });
    expect(challenged.status).toBe(401);
    expect(parseRequirement(challenged.headers.get('aauth-requirement') ?? '').requirement).toBe(
      'auth-token',
    );
    const auth = await world.authToken({ aud: server.origin, scope: 'docs.write docs.read' });
    const response = await call('/summaries', auth, { method: 'PUT' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      person: { iss: world.ps.issuer, sub: 'person-1234' },
      scope: ['docs.write', 'docs.read'],
    });
  });

  it('answers a tampered body with 401 Signature-Error', async () => {
    const url = `${server.origin}/docs`;
    const { headers } = await signAsAgent(world, url, await world.agentToken(), {
      method: 'POST',
      body: { a: 1 },
    });
    const response = await fetch(url, { method: 'POST', headers, body: '{"a":2}' });
    expect(response.status).toBe(401);
    expect(parseSignatureError(response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await call('/docs', await world.agentToken(), {
      method: 'POST',
      body: 'z'.repeat(2048),
    });
    expect(response.status).toBe(413);
  });

  it('serves the metadata through handleWellKnown', async () => {
    const response = await fetch(`${server.origin}/.well-known/aauth-resource.json`);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(server.origin);
  });
});
