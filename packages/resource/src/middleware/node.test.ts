import { connect } from 'node:net';
import { generateKeyPair, parseRequirement, parseSignatureError } from '@aauth-kit/core';
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
import { sendWebResponse, toWebRequest, verifyNodeRequest } from './node.js';

let world: World;
let server: LoopbackServer;
let resource: Resource;

beforeAll(async () => {
  world = await createWorld();
  server = await startLoopbackServer((req, res) => {
    void (async () => {
      if (req.url?.startsWith('/.well-known/')) {
        const wellKnown = resource.handleWellKnown(await toWebRequest(req));
        if (wellKnown !== undefined) return sendWebResponse(res, wellKnown);
      }
      const route =
        req.url === '/summaries'
          ? { accept: ['auth'] as const, scope: 'docs.write' }
          : { accept: ['agent'] as const };
      const outcome = await verifyNodeRequest(resource, req, route);
      if (!outcome.ok) return sendWebResponse(res, outcome.response);
      const echoed = outcome.body === null ? null : new TextDecoder().decode(outcome.body);
      return sendWebResponse(
        res,
        Response.json({ kind: outcome.identity.kind, agent: outcome.identity.agentId ?? null, echoed }),
      );
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  resource = createResource({
    issuer: server.origin,
    signer: (await generateKeyPair()).signer,
    development: true,
    maxBodyBytes: 1024,
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

describe('node:http helpers', () => {
  it('verifies a signed GET and answers with the identity', async () => {
    const response = await call('/docs', await world.agentToken());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: 'agent', agent: 'aauth:bot@localhost', echoed: null });
  });

  it('reads and verifies the body, and hands the bytes back', async () => {
    const response = await call('/docs', await world.agentToken(), { method: 'POST', body: { a: 1 } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { echoed: string }).echoed).toBe('{"a":1}');
  });

  it('serves the well-known documents', async () => {
    const metadata = await fetch(`${server.origin}/.well-known/aauth-resource.json`);
    expect(((await metadata.json()) as { issuer: string }).issuer).toBe(server.origin);
    const jwks = await fetch(`${server.origin}/.well-known/jwks.json`);
    expect(((await jwks.json()) as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it('challenges a person token on an auth route with a resource token', async () => {
    const response = await call('/summaries', await world.personToken({ aud: server.origin }), {
      method: 'POST',
    });
    expect(response.status).toBe(401);
    const requirement = parseRequirement(response.headers.get('aauth-requirement') ?? '');
    expect(requirement.requirement).toBe('auth-token');
    expect(requirement.resourceToken).toBeDefined();
    expect(response.headers.get('signature-error')).toBeNull();
  });

  it('answers a tampered request with 401 Signature-Error', async () => {
    const url = `${server.origin}/docs`;
    const { headers } = await signAsAgent(world, url, await world.agentToken());
    const response = await fetch(`${server.origin}/other`, { headers });
    expect(response.status).toBe(401);
    expect(parseSignatureError(response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('answers 413 for an oversized streamed body, closes that connection, and keeps serving', async () => {
    const url = `${server.origin}/docs`;
    const { headers } = await signAsAgent(world, url, await world.agentToken(), {
      method: 'POST',
      body: 'x',
    });
    // A chunked body with no Content-Length, far over the limit: the 413 must come without reading it all.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      const lines = [`POST /docs HTTP/1.1`, `host: ${new URL(url).host}`, 'transfer-encoding: chunked'];
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      const chunk = 'y'.repeat(4096);
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw.toLowerCase()).toContain('connection: close');
    expect(raw).toContain('"payload_too_large"');
    expect((await call('/docs', await world.agentToken())).status).toBe(200);
  });

  it('builds a WHATWG Request with the path, query, headers and body of the node request', async () => {
    const seen = await new Promise<{ url: string; method: string; header: string | null; body: string }>(
      (resolve, reject) => {
        void startLoopbackServer((req, res) => {
          toWebRequest(req)
            .then(async (request) => {
              resolve({
                url: request.url,
                method: request.method,
                header: request.headers.get('x-test'),
                body: await request.text(),
              });
              res.end();
            })
            .catch(reject);
        }).then(async (probe) => {
          await fetch(`${probe.origin}/a/b?c=d`, { method: 'PATCH', headers: { 'x-test': 'v' }, body: 'hi' });
          await probe.close();
        }, reject);
      },
    );
    expect(new URL(seen.url).pathname + new URL(seen.url).search).toBe('/a/b?c=d');
    expect(seen).toMatchObject({ method: 'PATCH', header: 'v', body: 'hi' });
  });
});
