import { afterEach, describe, expect, it } from 'vitest';
import {
  claimsOf,
  createTestAgent,
  obtainResourceToken,
  personServerMetadata,
  requirementOf,
  type TestAgent,
} from './__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from './dev-server.js';
import type { DevServerOptions } from './options.js';

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Started {
  server: DevServer;
  agent: TestAgent;
  authTokenEndpoint: string;
  personToken: string;
  resourceToken: string;
}

/** A dev server, an agent and a resource token for the consent-guarded write. */
async function setUp(options: DevServerOptions = {}): Promise<Started> {
  server = await startDevServer({ pollIntervalSeconds: 0, ...options });
  const agent = await createTestAgent(server, options.now === undefined ? {} : { now: options.now });
  const metadata = await personServerMetadata(server);
  const { personToken, resourceToken } = await obtainResourceToken(server, agent);
  return { server, agent, authTokenEndpoint: metadata.auth_token_endpoint!, personToken, resourceToken };
}

async function requestAuthToken(
  s: Started,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  return s.agent.request(s.authTokenEndpoint, {
    json: {
      resource_token: s.resourceToken,
      presented_token: s.personToken,
      capabilities: ['interaction'],
      ...extra,
    },
    ...(headers ? { headers } : {}),
  });
}

async function errorOf(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as { error: string; status: number; title: string; detail: string };
  expect(body.status).toBe(response.status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body.error;
}

describe('deferred auth token with consent', () => {
  it('answers 202 with Location, Retry-After, no-store, an interaction requirement and status pending', async () => {
    const s = await setUp({ pollIntervalSeconds: 2 });
    const response = await requestAuthToken(s);
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toMatch(
      new RegExp(`^${s.server.identifiers.personServer}/pending/[A-Za-z0-9_-]{22}$`),
    );
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const requirement = requirementOf(response);
    expect(requirement.requirement).toBe('interaction');
    expect(requirement.url).toBe(`${s.server.identifiers.personServer}/consent`);
    expect(requirement.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await response.json()).toEqual({ status: 'pending' });
  });

  it('delivers the auth token once the person approves, then answers 410', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s, { justification: 'I will summarize document 1' });
    const location = response.headers.get('location')!;
    const interaction = await s.server.simulatedUser.next({ timeoutMs: 2000 });
    expect(interaction).toMatchObject({
      kind: 'auth-token',
      code: requirementOf(response).code,
      pendingUrl: location,
      agentId: s.agent.agentId,
      resource: s.server.identifiers.resource,
      resourceName: 'Sample documents API',
      scope: 'documents.write',
      justification: 'I will summarize document 1',
    });
    const waiting = await s.agent.request(location);
    expect(waiting.status).toBe(202);
    expect(await waiting.json()).toEqual({ status: 'pending' });

    await s.server.simulatedUser.approve(interaction.url);
    const done = await s.agent.request(location);
    expect(done.status).toBe(200);
    const { auth_token: authToken, expires_in: expiresIn } = (await done.json()) as {
      auth_token: string;
      expires_in: number;
    };
    expect(expiresIn).toBeGreaterThan(0);
    expect(claimsOf(authToken)).toMatchObject({
      aud: s.server.identifiers.resource,
      scope: 'documents.write',
    });

    const after = await s.agent.request(location);
    expect(after.status).toBe(410);
    expect(await errorOf(after)).toBe('gone');
  });

  it('answers 403 denied on the poll after the person denies, and 410 after that', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s);
    const location = response.headers.get('location')!;
    await s.server.simulatedUser.deny(requirementOf(response).code!);
    const denied = await s.agent.request(location);
    expect(denied.status).toBe(403);
    expect(await errorOf(denied)).toBe('denied');
    expect(denied.headers.get('signature-error')).toBeNull();
    const after = await s.agent.request(location);
    expect(after.status).toBe(410);
  });

  it('answers 408 expired when nobody decides within the pending TTL, and 410 after that', async () => {
    let clock = Math.floor(Date.now() / 1000);
    const s = await setUp({ pendingTtlSeconds: 30, now: () => clock });
    const response = await requestAuthToken(s);
    const location = response.headers.get('location')!;
    clock += 31; // the agent signs on the same clock
    const expired = await s.agent.request(location);
    expect(expired.status).toBe(408);
    expect(await errorOf(expired)).toBe('expired');
    await expect(s.server.simulatedUser.approve(requirementOf(response).code!)).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_INTERACTION',
    });
    const after = await s.agent.request(location);
    expect(after.status).toBe(410);
  });

  it('refuses polls signed by another key (404) and unsigned polls (401 Signature-Error)', async () => {
    const s = await setUp();
    const location = (await requestAuthToken(s)).headers.get('location')!;
    const intruder = await createTestAgent(s.server);
    const foreign = await intruder.request(location);
    expect(foreign.status).toBe(404);
    expect(await errorOf(foreign)).toBe('not_found');
    const unsigned = await s.agent.request(location, { unsigned: true });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('signature-error')).toBe('error=invalid_signature');
    expect(await errorOf(unsigned)).toBe('invalid_signature');
    // The owner still gets its answer.
    expect((await s.agent.request(location)).status).toBe(202);
  });

  it('answers 429 slow_down when polled faster than Retry-After', async () => {
    const s = await setUp({ pollIntervalSeconds: 3 });
    const location = (await requestAuthToken(s)).headers.get('location')!;
    const tooSoon = await s.agent.request(location);
    expect(tooSoon.status).toBe(429);
    expect(await errorOf(tooSoon)).toBe('slow_down');
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
  });

  it('reports interacting once the person opened the consent page', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s);
    const { url, code } = requirementOf(response);
    const page = await s.server.fetch(`${url}?code=${code}`);
    expect(page.status).toBe(200);
    const poll = await s.agent.request(response.headers.get('location')!);
    expect(poll.status).toBe(202);
    expect(await poll.json()).toEqual({ status: 'interacting' });
    expect(poll.headers.get('aauth-requirement')).toBeNull();
  });

  it('holds a Prefer: wait poll until the decision arrives', async () => {
    const s = await setUp();
    const location = (await requestAuthToken(s)).headers.get('location')!;
    const interaction = await s.server.simulatedUser.next({ timeoutMs: 2000 });
    const started = Date.now();
    setTimeout(() => void s.server.simulatedUser.approve(interaction.code), 300);
    const poll = await s.agent.request(location, { headers: { prefer: 'wait=10' } });
    expect(poll.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('holds the initial request under Prefer: wait only when no URL must be relayed (approval)', async () => {
    const s = await setUp();
    const pendingResponse = requestAuthToken(s, { capabilities: [] }, { prefer: 'wait=10' });
    const interaction = await s.server.simulatedUser.next({ timeoutMs: 2000 });
    await s.server.simulatedUser.approve(interaction.code);
    const response = await pendingResponse;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { auth_token: string }).auth_token).toMatch(/^ey/);
  });

  it('answers requirement=approval without the interaction capability', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s, { capabilities: [] });
    expect(response.status).toBe(202);
    expect(requirementOf(response).requirement).toBe('approval');
  });

  it('cancels on DELETE: 204, then 410 on every later request', async () => {
    const s = await setUp();
    const location = (await requestAuthToken(s)).headers.get('location')!;
    const cancelled = await s.agent.request(location, { method: 'DELETE' });
    expect(cancelled.status).toBe(204);
    expect((await s.agent.request(location)).status).toBe(410);
    expect((await s.agent.request(location, { method: 'DELETE' })).status).toBe(410);
  });

  it('approves at once with autoApprove', async () => {
    const s = await setUp({ autoApprove: true });
    const response = await requestAuthToken(s);
    expect(response.status).toBe(200);
  });

  it('denies at once under a deny policy (403 denied, no Signature-Error)', async () => {
    const s = await setUp({ policies: [{ scope: 'documents.write', decision: 'deny' }] });
    const response = await requestAuthToken(s);
    expect(response.status).toBe(403);
    expect(response.headers.get('signature-error')).toBeNull();
    expect(await errorOf(response)).toBe('denied');
  });
});

describe('clarification', () => {
  it('asks the agent, takes its answer, shows it to the person, then delivers the token', async () => {
    const s = await setUp({
      policies: [{ scope: 'documents.write', decision: 'clarify', question: 'Which document, and why?' }],
    });
    const response = await requestAuthToken(s, { capabilities: ['interaction', 'clarification'] });
    expect(response.status).toBe(202);
    expect(requirementOf(response).requirement).toBe('clarification');
    const body = (await response.json()) as { status: string; clarification: string; timeout: number };
    expect(body).toMatchObject({ status: 'pending', clarification: 'Which document, and why?' });
    expect(body.timeout).toBeGreaterThan(0);
    const location = response.headers.get('location')!;

    const missingAction = await s.agent.request(location, { json: { clarification_response: 'x' } });
    expect(missingAction.status).toBe(400);
    expect(await errorOf(missingAction)).toBe('invalid_request');
    const unknownAction = await s.agent.request(location, {
      json: { action: 'chat', clarification_response: 'x' },
    });
    expect(unknownAction.status).toBe(400);

    const answered = await s.agent.request(location, {
      json: {
        action: 'clarification_response',
        clarification_response: 'Document 1, for the weekly digest.',
      },
    });
    expect(answered.status).toBe(202);
    expect(requirementOf(answered).requirement).toBe('interaction');

    const interaction = await s.server.simulatedUser.next({ timeoutMs: 2000 });
    expect(interaction.clarification).toEqual({
      question: 'Which document, and why?',
      answer: 'Document 1, for the weekly digest.',
    });
    const again = await s.agent.request(location, {
      json: { action: 'clarification_response', clarification_response: 'again' },
    });
    expect(again.status).toBe(400);
    await s.server.simulatedUser.approve(interaction.code);
    expect((await s.agent.request(location)).status).toBe(200);
  });
});

describe('interaction codes', () => {
  it('answers 410 invalid_code for an unknown code and for a code already used', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s);
    const { url, code } = requirementOf(response);
    const json = { headers: { accept: 'application/json' } };
    const unknown = await s.server.fetch(`${url}?code=ZZZZ-ZZZZ`, json);
    expect(unknown.status).toBe(410);
    expect(await errorOf(unknown)).toBe('invalid_code');
    await s.server.simulatedUser.approve(code!);
    const used = await s.server.fetch(`${url}?code=${code}`, json);
    expect(used.status).toBe(410);
    expect(await errorOf(used)).toBe('invalid_code');
  });

  it('compares codes canonically (case, hyphens, I/L/O look-alikes)', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s);
    const { url, code } = requirementOf(response);
    const sloppy = code!.replace('-', '').toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o');
    const page = await s.server.fetch(`${url}?code=${sloppy}`);
    expect(page.status).toBe(200);
  });

  it('fails the waiting request terminally after a few unknown codes (410 invalid_code on the poll)', async () => {
    const s = await setUp();
    const response = await requestAuthToken(s);
    const { url } = requirementOf(response);
    for (const guess of ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC']) {
      expect((await s.server.fetch(`${url}?code=${guess}`)).status).toBe(410);
    }
    const poll = await s.agent.request(response.headers.get('location')!);
    expect(poll.status).toBe(410);
    expect(await errorOf(poll)).toBe('invalid_code');
  });

  it('rate-limits unknown codes per client address (429 rate_limited)', async () => {
    const s = await setUp();
    const { url } = requirementOf(await requestAuthToken(s));
    const json = { headers: { accept: 'application/json' } };
    for (let i = 0; i < 10; i++) {
      expect((await s.server.fetch(`${url}?code=ZZZZ-ZZZ${i}`, json)).status).toBe(410);
    }
    const limited = await s.server.fetch(`${url}?code=ZZZZ-ZZZZ`, json);
    expect(limited.status).toBe(429);
    expect(await errorOf(limited)).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('binds a code to the first browser session that opens it', async () => {
    const s = await setUp();
    const { url, code } = requirementOf(await requestAuthToken(s));
    const first = await s.server.fetch(`${url}?code=${code}`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await s.server.fetch(`${url}?code=${code}`, { headers: { cookie } })).status).toBe(200);
    expect((await s.server.fetch(`${url}?code=${code}`)).status).toBe(410);
  });
});

describe('person token consent (first use at a resource)', () => {
  it('asks once, then issues at once for the same agent and resource', async () => {
    server = await startDevServer({ personTokenConsent: 'consent', pollIntervalSeconds: 0 });
    const agent = await createTestAgent(server);
    const metadata = await personServerMetadata(server);
    const ask = () =>
      agent.request(metadata.person_token_endpoint!, {
        json: { resource: server!.identifiers.resource, capabilities: ['interaction'] },
      });
    const first = await ask();
    expect(first.status).toBe(202);
    const interaction = await server.simulatedUser.next({ timeoutMs: 2000 });
    expect(interaction.kind).toBe('person-token');
    await server.simulatedUser.approve(interaction.code);
    const poll = await agent.request(first.headers.get('location')!);
    expect(poll.status).toBe(200);
    expect(((await poll.json()) as { person_token: string }).person_token).toMatch(/^ey/);
    const second = await ask();
    expect(second.status).toBe(200);
    expect(await server.stores.consents.list()).toHaveLength(1);
  });
});
