/**
 * Every malformed input on every endpoint answers a 4xx RFC 9457 problem with a stable `error` code, and
 * the server keeps serving afterwards.
 */
import { generateKeyPair, mintPersonToken } from '@aauth-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestAgent,
  obtainResourceToken,
  personServerMetadata,
  requirementOf,
  type TestAgent,
} from './__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from './dev-server.js';

let clock = Math.floor(Date.now() / 1000);
let server: DevServer;
let agent: TestAgent;
let ps: Record<string, string>;

beforeAll(async () => {
  server = await startDevServer({ pollIntervalSeconds: 0, now: () => clock });
  agent = await createTestAgent(server, { now: () => clock });
  ps = await personServerMetadata(server);
});
afterAll(async () => {
  await server.close();
});

interface Expected {
  status: number;
  error: string;
}

async function expectProblem(response: Response, expected: Expected): Promise<void> {
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status: expected.status });
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({ status: expected.status, error: expected.error });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  // Still serving.
  const health = await server.fetch(`${server.identifiers.personServer}/.well-known/aauth-person.json`);
  expect(health.status).toBe(200);
}

const raw = (url: string, init: RequestInit = {}) => server.fetch(url, init);
const postRaw = (url: string, body: string, contentType = 'application/json') =>
  raw(url, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('Agent Provider', () => {
  const register = () => `${server.identifiers.agentProvider}/register`;

  it.each([
    ['bad JSON', '{"jwk":', 'application/json', 400, 'invalid_request'],
    ['a JSON array', '[]', 'application/json', 400, 'invalid_request'],
    ['an empty body', '', 'application/json', 400, 'invalid_request'],
    ['no jwk', '{"name":"x"}', 'application/json', 400, 'invalid_request'],
    ['a jwk that is a string', '{"jwk":"abc"}', 'application/json', 400, 'invalid_request'],
    ['a text body', 'jwk=1', 'text/plain', 415, 'unsupported_media_type'],
    [
      'an EdDSA key',
      '{"jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"EdDSA"}}',
      'application/json',
      400,
      'invalid_request',
    ],
    [
      'a symmetric key',
      '{"jwk":{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}}',
      'application/json',
      400,
      'invalid_request',
    ],
  ])('/register refuses %s', async (_name, body, contentType, status, error) => {
    await expectProblem(await postRaw(register(), body, contentType), { status, error });
  });

  it('/register refuses a private key and a bad local part', async () => {
    const key = await generateKeyPair();
    await expectProblem(await postRaw(register(), JSON.stringify({ jwk: key.privateJwk })), {
      status: 400,
      error: 'invalid_request',
    });
    await expectProblem(
      await postRaw(register(), JSON.stringify({ jwk: key.publicJwk, local: 'bad local!' })),
      {
        status: 400,
        error: 'invalid_request',
      },
    );
  });

  it('/register refuses an oversized body with 413', async () => {
    const huge = JSON.stringify({ jwk: {}, padding: 'x'.repeat(100 * 1024) });
    await expectProblem(await postRaw(register(), huge), { status: 413, error: 'payload_too_large' });
  });

  it('/agent-token refuses unsigned requests, mismatched keys and unregistered keys', async () => {
    const endpoint = `${server.identifiers.agentProvider}/agent-token`;
    await expectProblem(await raw(endpoint, { method: 'POST' }), { status: 401, error: 'invalid_signature' });
    const stranger = await createTestAgent(server, { unregistered: true, now: () => clock });
    // Signed with the agent's key but naming the stranger's key: the signature does not verify.
    const mismatched = await agent.request(endpoint, {
      method: 'POST',
      signatureKey: { scheme: 'hwk', jwk: stranger.key.publicJwk },
    });
    await expectProblem(mismatched, { status: 401, error: 'invalid_signature' });
    const unregistered = await stranger.request(endpoint, {
      method: 'POST',
      signatureKey: { scheme: 'hwk', jwk: stranger.key.publicJwk },
    });
    expect(unregistered.headers.get('signature-error')).toBe('error=unknown_key');
    await expectProblem(unregistered, { status: 401, error: 'unknown_key' });
  });

  it('answers 404 and 405 as problems', async () => {
    await expectProblem(await raw(`${server.identifiers.agentProvider}/nope`), {
      status: 404,
      error: 'not_found',
    });
    const wrongMethod = await raw(`${server.identifiers.agentProvider}/register`);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    await expectProblem(wrongMethod, { status: 405, error: 'method_not_allowed' });
  });
});

describe('Person Server: person token endpoint', () => {
  const endpoint = () => ps.person_token_endpoint!;

  it.each([
    ['bad JSON', { body: '{"resource":', contentType: 'application/json' }, 400, 'invalid_request'],
    ['no resource', { json: {} }, 400, 'invalid_request'],
    ['a resource that is not a server identifier', { json: { resource: 'ftp://x' } }, 400, 'invalid_request'],
    ['a resource with a path', { json: { resource: 'https://x.example/api' } }, 400, 'invalid_request'],
    ['a numeric resource', { json: { resource: 42 } }, 400, 'invalid_request'],
    [
      'capabilities that are not strings',
      { json: { resource: 'https://x.example', capabilities: [1] } },
      400,
      'invalid_request',
    ],
    [
      'an upstream_token (unsupported)',
      { json: { resource: 'https://x.example', upstream_token: 'e' } },
      400,
      'invalid_request',
    ],
    [
      'a form body',
      { body: 'resource=x', contentType: 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
  ])('refuses %s', async (_name, options, status, error) => {
    await expectProblem(await agent.request(endpoint(), options), { status, error });
  });

  it('refuses unsigned requests, other schemes and the wrong token type with 401 + Signature-Error', async () => {
    const unsigned = await agent.request(endpoint(), {
      json: { resource: 'https://x.example' },
      unsigned: true,
    });
    expect(unsigned.headers.get('signature-error')).toBe('error=invalid_signature');
    await expectProblem(unsigned, { status: 401, error: 'invalid_signature' });

    const hwk = await agent.request(endpoint(), {
      json: { resource: 'https://x.example' },
      signatureKey: { scheme: 'hwk', jwk: agent.key.publicJwk },
    });
    expect(hwk.headers.get('accept-signature-scheme')).toBe('jwt');
    await expectProblem(hwk, { status: 401, error: 'unsupported_scheme' });

    const { personToken } = await obtainResourceToken(server, agent);
    const wrongTyp = await agent.request(endpoint(), {
      json: { resource: 'https://x.example' },
      token: personToken,
    });
    await expectProblem(wrongTyp, { status: 401, error: 'invalid_jwt' });

    const garbage = await agent.request(endpoint(), {
      json: { resource: 'https://x.example' },
      token: 'not.a.jwt',
    });
    await expectProblem(garbage, { status: 401, error: 'invalid_jwt' });
  });

  it('refuses a body that does not match its Content-Digest', async () => {
    const url = endpoint();
    const { signMessage } = await import('@aauth-kit/core');
    const body = JSON.stringify({ resource: 'https://x.example' });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signed = await signMessage(
      { method: 'POST', url, headers, body },
      { signer: agent.key.signer, signatureKey: { scheme: 'jwt', jwt: agent.agentToken } },
    );
    const tampered = await server.fetch(url, {
      method: 'POST',
      headers: { ...headers, ...signed } as Record<string, string>,
      body: JSON.stringify({ resource: 'https://evil.example' }),
    });
    await expectProblem(tampered, { status: 401, error: 'invalid_signature' });
  });

  it('refuses an oversized signed body with 413', async () => {
    const response = await agent.request(endpoint(), {
      json: { resource: 'https://x.example', pad: 'x'.repeat(70_000) },
    });
    await expectProblem(response, { status: 413, error: 'payload_too_large' });
  });

  it('refuses an agent bound to another Person Server with 403 foreign_agent', async () => {
    const other = await startDevServer();
    try {
      const foreigner = await createTestAgent(other);
      const response = await foreigner.request(endpoint(), { json: { resource: 'https://x.example' } });
      expect(response.headers.get('signature-error')).toBeNull();
      await expectProblem(response, { status: 403, error: 'foreign_agent' });
    } finally {
      await other.close();
    }
  });
});

describe('Person Server: auth token endpoint', () => {
  const endpoint = () => ps.auth_token_endpoint!;

  it.each([
    ['bad JSON', { body: '{', contentType: 'application/json' }, 400, 'invalid_request'],
    ['no resource_token', { json: {} }, 400, 'invalid_request'],
    [
      'a resource_token that is not a JWT',
      { json: { resource_token: 'garbage' } },
      400,
      'invalid_resource_token',
    ],
    ['a numeric resource_token', { json: { resource_token: 7 } }, 400, 'invalid_request'],
    [
      'a subagent_token (unsupported)',
      { json: { resource_token: 'x', subagent_token: 'y' } },
      400,
      'invalid_request',
    ],
  ])('refuses %s', async (_name, options, status, error) => {
    await expectProblem(await agent.request(endpoint(), options), { status, error });
  });

  it('refuses a person token where a resource token belongs (wrong typ)', async () => {
    const { personToken } = await obtainResourceToken(server, agent);
    await expectProblem(await agent.request(endpoint(), { json: { resource_token: personToken } }), {
      status: 400,
      error: 'invalid_resource_token',
    });
  });

  it('refuses a resource token made for another agent key', async () => {
    const { resourceToken, personToken } = await obtainResourceToken(server, agent);
    const thief = await createTestAgent(server);
    const response = await thief.request(endpoint(), {
      json: { resource_token: resourceToken, presented_token: personToken },
    });
    await expectProblem(response, { status: 400, error: 'invalid_resource_token' });
  });

  it('refuses presented tokens that are garbage, foreign, or not the one the resource token names', async () => {
    const { resourceToken } = await obtainResourceToken(server, agent);
    await expectProblem(
      await agent.request(endpoint(), { json: { resource_token: resourceToken, presented_token: 'x.y.z' } }),
      { status: 400, error: 'invalid_presented_token' },
    );
    // A second person token for the same resource: valid, but not the presented_jti.
    const second = await agent.request(ps.person_token_endpoint!, {
      json: { resource: server.identifiers.resource },
    });
    const { person_token: otherPersonToken } = (await second.json()) as { person_token: string };
    await expectProblem(
      await agent.request(endpoint(), {
        json: { resource_token: resourceToken, presented_token: otherPersonToken },
      }),
      { status: 400, error: 'invalid_resource_token' },
    );
    // A person token signed by a key no Person Server publishes.
    const rogue = await generateKeyPair({ kid: 'dev-person-server-1' });
    const forged = await mintPersonToken(
      {
        iss: server.identifiers.personServer,
        aud: server.identifiers.resource,
        sub: 'someone',
        cnf: { jwk: agent.key.publicJwk },
      },
      { signer: rogue.signer, kid: rogue.kid, allowLocalhostHttp: true, now: () => clock * 1000 },
    );
    await expectProblem(
      await agent.request(endpoint(), { json: { resource_token: resourceToken, presented_token: forged } }),
      { status: 400, error: 'invalid_presented_token' },
    );
  });

  it('refuses a resource token addressed to another Person Server', async () => {
    const other = await startDevServer();
    try {
      const otherAgent = await createTestAgent(other, { key: agent.key });
      const foreign = await obtainResourceToken(other, otherAgent);
      await expectProblem(
        await agent.request(endpoint(), {
          json: { resource_token: foreign.resourceToken, presented_token: foreign.personToken },
        }),
        { status: 400, error: 'invalid_resource_token' },
      );
    } finally {
      await other.close();
    }
  });

  it('refuses an expired resource token (expired_resource_token) and an expired presented token', async () => {
    const { resourceToken, personToken } = await obtainResourceToken(server, agent);
    const saved = clock;
    clock += 6 * 60;
    try {
      await expectProblem(
        await agent.request(endpoint(), {
          json: { resource_token: resourceToken, presented_token: personToken },
        }),
        { status: 400, error: 'expired_resource_token' },
      );
    } finally {
      clock = saved;
    }
  });

  it('refuses an expired agent token with 401 expired_jwt', async () => {
    const saved = clock;
    clock += 2 * 3600;
    try {
      const response = await agent.request(endpoint(), { json: { resource_token: 'x' } });
      expect(response.headers.get('signature-error')).toBe('error=expired_jwt');
      await expectProblem(response, { status: 401, error: 'expired_jwt' });
    } finally {
      clock = saved;
    }
  });
});

describe('Person Server: pending URLs and consent page', () => {
  it('answers 404 for unknown and malformed pending ids', async () => {
    const base = `${server.identifiers.personServer}/pending`;
    await expectProblem(await agent.request(`${base}/AAAAAAAAAAAAAAAAAAAAAA`), {
      status: 404,
      error: 'not_found',
    });
    await expectProblem(await agent.request(`${base}/%00%ff`), { status: 404, error: 'not_found' });
    await expectProblem(await agent.request(`${base}/`), { status: 404, error: 'not_found' });
  });

  it('refuses malformed clarification posts', async () => {
    const { resourceToken, personToken } = await obtainResourceToken(server, agent);
    const created = await agent.request(ps.auth_token_endpoint!, {
      json: { resource_token: resourceToken, presented_token: personToken },
    });
    const location = created.headers.get('location')!;
    await expectProblem(await agent.request(location, { body: '{', contentType: 'application/json' }), {
      status: 400,
      error: 'invalid_request',
    });
    await expectProblem(await agent.request(location, { json: { action: 'updated_request' } }), {
      status: 400,
      error: 'invalid_request',
    });
    await expectProblem(
      await agent.request(location, {
        json: { action: 'clarification_response', clarification_response: 'x' },
      }),
      { status: 400, error: 'invalid_request' },
    );
    await expectProblem(await agent.request(location, { method: 'PUT', json: {} }), {
      status: 405,
      error: 'method_not_allowed',
    });
  });

  it('refuses consent posts without the form type, decision, session or CSRF token', async () => {
    const { resourceToken, personToken } = await obtainResourceToken(server, agent);
    const created = await agent.request(ps.auth_token_endpoint!, {
      json: { resource_token: resourceToken, presented_token: personToken, capabilities: ['interaction'] },
    });
    const { url, code } = requirementOf(created);
    const json = { accept: 'application/json' };
    const page = await server.fetch(`${url}?code=${code}`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    await expectProblem(
      await server.fetch(url!, {
        method: 'POST',
        headers: { ...json, 'content-type': 'application/json' },
        body: '{}',
      }),
      { status: 415, error: 'unsupported_media_type' },
    );
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      server.fetch(url!, {
        method: 'POST',
        headers: { ...json, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    await expectProblem(await form({ code: code! }, { cookie }), { status: 400, error: 'invalid_request' });
    await expectProblem(await form({ code: code!, decision: 'approve', csrf: 'nope' }, { cookie }), {
      status: 403,
      error: 'invalid_csrf_token',
    });
    await expectProblem(await form({ code: code!, decision: 'approve', csrf: 'nope' }), {
      status: 403,
      error: 'invalid_csrf_token',
    });
    await expectProblem(await server.fetch(`${url}?code=${'%C0'.repeat(20)}`, { headers: json }), {
      status: 410,
      error: 'invalid_code',
    });
    // The request survived all of that (one unknown code is below the limit of three).
    expect((await agent.request(created.headers.get('location')!)).status).toBe(202);
  });
});

describe('sample resource', () => {
  it('answers problems for unknown documents, paths and methods', async () => {
    const resource = server.identifiers.resource;
    await expectProblem(await agent.request(`${resource}/documents/999`), {
      status: 404,
      error: 'not_found',
    });
    await expectProblem(await agent.request(`${resource}/nothing`), { status: 404, error: 'not_found' });
    await expectProblem(await agent.request(`${resource}/documents`, { method: 'DELETE' }), {
      status: 405,
      error: 'method_not_allowed',
    });
  });

  it('refuses a person token where an auth token is required (401 auth-token challenge, not 200)', async () => {
    const { personToken } = await obtainResourceToken(server, agent);
    // Document 2: a second identical signed request within the same second would be a replay.
    const response = await agent.request(`${server.identifiers.resource}/documents/2/summary`, {
      method: 'POST',
      token: personToken,
    });
    expect(response.status).toBe(401);
    expect(requirementOf(response).requirement).toBe('auth-token');
  });
});
