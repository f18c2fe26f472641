import { generateKeyPair, parseRequirement, parseSignatureError } from '@aauth-kit/core';
import express from 'express';
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
import type { Resource } from '../types.js';
import { aauth } from './express.js';

let world: World;
let server: LoopbackServer;
let resource: Resource;
const app = express();

beforeAll(async () => {
  world = await createWorld();
  server = await startLoopbackServer(app);
  resource = createResource({
    issuer: server.origin,
    signer: (await generateKeyPair()).signer,
    development: true,
    maxBodyBytes: 1024,
  });

  app.get('/docs', aauth(resource, { accept: ['agent'] }), (req, res) => {
    res.json({ agent: req.aauth?.agentId, kind: req.aauth?.kind });
  });
  app.post('/docs', aauth(resource, { accept: ['agent'] }), (req, res) => {
    res.json({ received: JSON.parse((req.body as Buffer).toString('utf8')) });
  });
  app.post('/raw', express.raw({ type: '*/*' }), aauth(resource, { accept: ['agent'] }), (req, res) => {
    res.json({ bytes: (req.body as Buffer).byteLength });
  });
  app.post('/parsed-first', express.json(), aauth(resource, { accept: ['agent'] }), (_req, res) => {
    res.json({ reached: true });
  });
  app.put('/summaries', aauth(resource, { accept: ['auth'], scope: 'docs.write' }), (req, res) => {
    res.json({ person: req.aauth?.person, scope: req.aauth?.scope });
  });
  app.post('/session', aauth(resource, { accept: ['agent'], session: 'issue' }), (_req, res) => {
    res.status(204).end();
  });
  const router = express.Router();
  router.get('/items', aauth(resource, { accept: ['agent'] }), (req, res) => {
    res.json({ path: req.originalUrl, agent: req.aauth?.agentId });
  });
  app.use('/api', router);
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: error.name, message: error.message });
  });
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

describe('express aauth()', () => {
  it('adds AAuth-Access to the response on a session-issuing route', async () => {
    const response = await call('/session', await world.agentToken(), { method: 'POST' });
    expect(response.status).toBe(204);
    expect(response.headers.get('aauth-access')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('lets a verified request through with req.aauth set', async () => {
    const response = await call('/docs', await world.agentToken());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ agent: 'aauth:bot@localhost', kind: 'agent' });
  });

  it('reads the raw body itself, verifies its digest, and hands the bytes to the handler', async () => {
    const response = await call('/docs', await world.agentToken(), {
      method: 'POST',
      body: { title: 'hello' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { title: 'hello' } });
  });

  it('uses the Buffer left by express.raw()', async () => {
    const response = await call('/raw', await world.agentToken(), { method: 'POST', body: { n: 1 } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 7 });
  });

  it('fails loudly (ConfigurationError) when express.json() consumed the body first', async () => {
    const response = await call('/parsed-first', await world.agentToken(), {
      method: 'POST',
      body: { n: 1 },
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('ConfigurationError');
    expect(body.message).toContain('express.json()');
  });

  it('verifies @path against originalUrl under a mounted router', async () => {
    const response = await call('/api/items', await world.agentToken());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/api/items', agent: 'aauth:bot@localhost' });
  });

  it('answers an unsigned request 401 with Signature-Error', async () => {
    const response = await fetch(`${server.origin}/docs`);
    expect(response.status).toBe(401);
    expect(parseSignatureError(response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 413 with a problem body for a body over the limit, and keeps serving', async () => {
    const response = await call('/docs', await world.agentToken(), {
      method: 'POST',
      body: { text: 'x'.repeat(4096) },
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('payload_too_large');
    expect((await call('/docs', await world.agentToken())).status).toBe(200);
  });

  it('walks the three-party flow: person-token, then auth-token, then 200', async () => {
    const first = await call('/summaries', await world.agentToken(), { method: 'PUT' });
    expect(first.status).toBe(401);
    expect(parseRequirement(first.headers.get('aauth-requirement') ?? '').requirement).toBe('person-token');

    const second = await call('/summaries', await world.personToken({ aud: server.origin }), {
      method: 'PUT',
    });
    expect(second.status).toBe(401);
    const requirement = parseRequirement(second.headers.get('aauth-requirement') ?? '');
    expect(requirement.requirement).toBe('auth-token');
    expect(requirement.resourceToken).toMatch(/^ey/);

    const auth = await world.authToken({ aud: server.origin, scope: 'docs.write' });
    const third = await call('/summaries', auth, { method: 'PUT' });
    expect(third.status).toBe(200);
    expect(await third.json()).toEqual({
      person: { iss: world.ps.issuer, sub: 'person-1234' },
      scope: ['docs.write'],
    });
  });

  it('refuses a replayed request over HTTP', async () => {
    const url = `${server.origin}/docs`;
    const { headers } = await signAsAgent(world, url, await world.agentToken());
    expect((await fetch(url, { headers })).status).toBe(200);
    const replay = await fetch(url, { headers });
    expect(replay.status).toBe(401);
    expect(parseSignatureError(replay.headers.get('signature-error') ?? '').error).toBe('invalid_signature');
  });
});
