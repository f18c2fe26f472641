import { jwkThumbprint } from '@aauth-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claimsOf,
  createTestAgent,
  obtainResourceToken,
  personServerMetadata,
  requirementOf,
} from './__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from './dev-server.js';
import { createMemoryStore } from './store/memory.js';
import type { DevServerStore } from './store/types.js';

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('three-party flow by hand', () => {
  it('goes agent token → 401 person-token → person token → 401 auth-token → auth token → 200', async () => {
    server = await startDevServer({
      policies: [{ scope: 'documents.write', decision: 'auto-approve' }],
    });
    const agent = await createTestAgent(server, { local: 'flow-agent' });
    expect(agent.agentId).toBe(`aauth:flow-agent@localhost`);
    const resource = server.identifiers.resource;

    // Reads need only the agent token.
    const list = await agent.request(`${resource}/documents`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { documents: unknown[] }).documents.length).toBeGreaterThan(0);

    // 1. The write asks for the person.
    const first = await agent.request(`${resource}/documents/1/summary`, { method: 'POST' });
    expect(first.status).toBe(401);
    expect(requirementOf(first).requirement).toBe('person-token');

    // 2. Person token from the PS named by the agent token.
    const metadata = await personServerMetadata(server);
    expect(claimsOf(agent.agentToken).ps).toBe(metadata.issuer);
    const personResponse = await agent.request(metadata.person_token_endpoint!, {
      json: { resource, capabilities: ['interaction'] },
    });
    expect(personResponse.status).toBe(200);
    const { person_token: personToken, expires_in: personExpiresIn } = (await personResponse.json()) as {
      person_token: string;
      expires_in: number;
    };
    expect(personExpiresIn).toBeGreaterThan(0);
    expect(personExpiresIn).toBeLessThanOrEqual(3600);
    const person = claimsOf(personToken);
    expect(person).toMatchObject({
      iss: server.identifiers.personServer,
      aud: resource,
      dwk: 'aauth-person.json',
    });
    expect(person.scope).toBeUndefined();
    expect((person.cnf as { jwk: { x: string } }).jwk.x).toBe(agent.key.publicJwk.x);

    // 3. The person token earns a resource token addressed to the PS.
    const second = await agent.request(`${resource}/documents/1/summary`, {
      method: 'POST',
      token: personToken,
    });
    expect(second.status).toBe(401);
    const requirement = requirementOf(second);
    expect(requirement.requirement).toBe('auth-token');
    const resourceToken = requirement.resourceToken!;
    expect(claimsOf(resourceToken)).toMatchObject({
      iss: resource,
      aud: server.identifiers.personServer,
      ps: server.identifiers.personServer,
      sub: person.sub,
      presented_jti: person.jti,
      agent_jkt: jwkThumbprint(agent.key.publicJwk),
      scope: 'documents.write',
    });

    // 4. The PS issues the auth token (policy: auto-approve).
    const authResponse = await agent.request(metadata.auth_token_endpoint!, {
      json: {
        resource_token: resourceToken,
        presented_token: personToken,
        justification: 'Summarize the report',
      },
    });
    expect(authResponse.status).toBe(200);
    expect(authResponse.headers.get('cache-control')).toBe('no-store');
    const { auth_token: authToken, expires_in: authExpiresIn } = (await authResponse.json()) as {
      auth_token: string;
      expires_in: number;
    };
    expect(authExpiresIn).toBeLessThanOrEqual(3600);
    const auth = claimsOf(authToken);
    expect(auth).toMatchObject({
      iss: server.identifiers.personServer,
      ps: server.identifiers.personServer,
      aud: resource,
      sub: person.sub,
      scope: 'documents.write',
      dwk: 'aauth-person.json',
    });
    expect(auth.exp as number).toBeLessThanOrEqual(person.exp as number);
    expect((auth.cnf as { jwk: { x: string } }).jwk.x).toBe(agent.key.publicJwk.x);

    // 5. The write goes through.
    const third = await agent.request(`${resource}/documents/1/summary`, {
      method: 'POST',
      token: authToken,
    });
    expect(third.status).toBe(201);
    expect(await third.json()).toMatchObject({ document_id: '1', summary: expect.any(String) });
  });

  it('resolves presented_jti from its own records when an older client omits presented_token', async () => {
    server = await startDevServer({ policies: [{ scope: 'documents.write', decision: 'auto-approve' }] });
    const agent = await createTestAgent(server);
    const { resourceToken } = await obtainResourceToken(server, agent);
    const metadata = await personServerMetadata(server);
    const response = await agent.request(metadata.auth_token_endpoint!, {
      json: { resource_token: resourceToken },
    });
    expect(response.status).toBe(200);
    const { auth_token: authToken } = (await response.json()) as { auth_token: string };
    expect(claimsOf(authToken).aud).toBe(server.identifiers.resource);
  });

  it('refuses an omitted presented_token when it has no record of the presented_jti (e.g. after a restart)', async () => {
    const store = createMemoryStore();
    // A store that lost its issued-token records, as a non-persistent PS does across a restart.
    const forgetful: DevServerStore = {
      ...store,
      issuedTokens: { put: async () => undefined, get: async () => undefined },
    };
    server = await startDevServer({
      store: forgetful,
      policies: [{ scope: 'documents.write', decision: 'auto-approve' }],
    });
    const agent = await createTestAgent(server);
    const { resourceToken, personToken } = await obtainResourceToken(server, agent);
    const metadata = await personServerMetadata(server);
    const without = await agent.request(metadata.auth_token_endpoint!, {
      json: { resource_token: resourceToken },
    });
    expect(without.status).toBe(400);
    expect(await without.json()).toMatchObject({ error: 'invalid_resource_token' });
    const withToken = await agent.request(metadata.auth_token_endpoint!, {
      json: { resource_token: resourceToken, presented_token: personToken },
    });
    expect(withToken.status).toBe(200);
  });

  it('gives one person the same directed sub at a resource whatever the agent, and hides it from other resources', async () => {
    server = await startDevServer();
    const metadata = await personServerMetadata(server);
    const subFor = async (resource: string): Promise<unknown> => {
      const agent = await createTestAgent(server!);
      const response = await agent.request(metadata.person_token_endpoint!, { json: { resource } });
      return claimsOf(((await response.json()) as { person_token: string }).person_token).sub;
    };
    const first = await subFor(server.identifiers.resource);
    const second = await subFor(server.identifiers.resource);
    const elsewhere = await subFor('https://other.example');
    expect(first).toBe(second);
    expect(elsewhere).not.toBe(first);
    expect(String(first)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('issues a fresh agent token to a registered key over HTTP (hwk, then jwt)', async () => {
    server = await startDevServer();
    const agent = await createTestAgent(server);
    const endpoint = `${server.identifiers.agentProvider}/agent-token`;
    const viaKey = await agent.request(endpoint, {
      method: 'POST',
      signatureKey: { scheme: 'hwk', jwk: agent.key.publicJwk },
    });
    expect(viaKey.status).toBe(200);
    const body = (await viaKey.json()) as { agent_id: string; agent_token: string; expires_in: number };
    expect(body.agent_id).toBe(agent.agentId);
    expect(claimsOf(body.agent_token)).toMatchObject({
      sub: agent.agentId,
      ps: server.identifiers.personServer,
    });
    const viaToken = await agent.request(endpoint, { method: 'POST' });
    expect(viaToken.status).toBe(200);
  });

  it('registers agents over HTTP and keeps one identifier per key', async () => {
    server = await startDevServer();
    const { generateKeyPair } = await import('@aauth-kit/core');
    const key = await generateKeyPair();
    const register = (json: unknown) =>
      server!.fetch(`${server!.identifiers.agentProvider}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    const created = await register({ jwk: key.publicJwk, local: 'http-agent' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ agent_id: 'aauth:http-agent@localhost', expires_in: 3600 });
    const again = await register({ jwk: key.publicJwk });
    expect(((await again.json()) as { agent_id: string }).agent_id).toBe('aauth:http-agent@localhost');
    const other = await generateKeyPair();
    const taken = await register({ jwk: other.publicJwk, local: 'http-agent' });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'agent_exists' });
  });
});

describe('identifiers set apart from the listen address', () => {
  it('serves https identifiers from loopback and computes every URL from the identifiers', async () => {
    server = await startDevServer({
      identifiers: {
        agentProvider: 'https://agents.example',
        personServer: 'https://ps.example',
        resource: 'https://docs.example',
      },
      policies: [{ scope: 'documents.write', decision: 'consent' }],
    });
    expect(server.urls.personServer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const agent = await createTestAgent(server);
    expect(agent.agentId).toMatch(/^aauth:agent-[0-9a-f]{8}@agents\.example$/);
    const metadata = await personServerMetadata(server);
    expect(metadata).toMatchObject({
      issuer: 'https://ps.example',
      person_token_endpoint: 'https://ps.example/person-token',
      auth_token_endpoint: 'https://ps.example/token',
    });
    const { personToken, resourceToken } = await obtainResourceToken(server, agent);
    const deferred = await agent.request(metadata.auth_token_endpoint!, {
      json: { resource_token: resourceToken, presented_token: personToken, capabilities: ['interaction'] },
    });
    expect(deferred.status).toBe(202);
    const location = deferred.headers.get('location')!;
    expect(location).toMatch(/^https:\/\/ps\.example\/pending\/[A-Za-z0-9_-]{22}$/);
    const interaction = requirementOf(deferred);
    expect(interaction.url).toBe('https://ps.example/consent');
    await server.simulatedUser.approve(interaction.code!);
    const poll = await agent.request(location);
    expect(poll.status).toBe(200);
    const { auth_token: authToken } = (await poll.json()) as { auth_token: string };
    const write = await agent.request('https://docs.example/documents/2/summary', {
      method: 'POST',
      token: authToken,
    });
    expect(write.status).toBe(201);
  });
});
