import {
  generateKeyPair,
  InvalidArgumentError,
  jwkThumbprint,
  mintAgentToken,
  parseRequirement,
  parseSignatureError,
} from '@aauth-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ID, createWorld, signedRequest, type World } from './__fixtures__/world.js';
import { InvalidSessionError } from './errors.js';
import { createResource } from './resource.js';
import { createMemorySessionStore, type SessionRecord, type SessionStore } from './session-store.js';
import { sessionTokenId } from './sessions.js';
import type { Resource, ResourceOptions, RouteRequirement, VerifyOutcome } from './types.js';

const RESOURCE = 'http://127.0.0.1:4100';
/** A whole-second clock near real time (the agent tokens are minted for real time). */
const T0 = Math.floor(Date.now() / 1000);
const ISSUE: RouteRequirement = { accept: ['agent'], session: 'issue' };
const ACCEPT: RouteRequirement = { accept: ['agent', 'person', 'auth'], session: 'accept' };

let world: World;
let agentToken: string;

beforeAll(async () => {
  world = await createWorld();
  agentToken = await world.agentToken();
});
afterAll(() => world.close());

async function makeResource(options: Partial<ResourceOptions> = {}): Promise<Resource> {
  const key = await generateKeyPair();
  return createResource({ issuer: RESOURCE, signer: key.signer, development: true, ...options });
}

function success(outcome: VerifyOutcome): Extract<VerifyOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.error.message}`);
  return outcome;
}

function failure(outcome: VerifyOutcome): Extract<VerifyOutcome, { ok: false }> {
  if (outcome.ok) throw new Error('expected the request to be refused');
  return outcome;
}

/** Issue a session on `resource` and return the raw token from `AAuth-Access`. */
async function obtainSession(resource: Resource): Promise<string> {
  const outcome = success(
    await resource.verify(
      await signedRequest(world, `${RESOURCE}/session`, agentToken, { method: 'POST' }),
      ISSUE,
    ),
  );
  const token = outcome.responseHeaders?.['aauth-access'];
  if (token === undefined) throw new Error('no AAuth-Access issued');
  return token;
}

function withSession(token: string): { headers: Record<string, string> } {
  return { headers: { authorization: `AAuth ${token}` } };
}

async function expectInvalidSession(outcome: VerifyOutcome): Promise<string> {
  const refused = failure(outcome);
  expect(refused.status).toBe(401);
  expect(refused.error).toBeInstanceOf(InvalidSessionError);
  expect(refused.error.code).toBe('ERR_INVALID_SESSION');
  expect(refused.response.headers.get('signature-error')).toBeNull();
  expect(parseRequirement(refused.response.headers.get('aauth-requirement') ?? '')).toMatchObject({
    requirement: 'agent-token',
  });
  const body = (await refused.response.json()) as { error: string; detail: string };
  expect(body.error).toBe('invalid_session');
  return body.detail;
}

describe('AAuth-Access session tokens', () => {
  it('issues a 256-bit base64url token bound to the agent on an issue route, storing only its hash', async () => {
    const records = new Map<string, SessionRecord>();
    const store: SessionStore = {
      async put(id, record) {
        records.set(id, record);
      },
      async get(id) {
        return records.get(id);
      },
      async delete(id) {
        records.delete(id);
      },
    };
    const resource = await makeResource({
      sessions: { store, lifetimeSeconds: 600 },
      now: () => T0,
    });
    const request = await signedRequest(world, `${RESOURCE}/session`, agentToken, {
      method: 'POST',
      created: T0,
    });
    const outcome = success(await resource.verify(request, ISSUE));
    const token = outcome.responseHeaders?.['aauth-access'] ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = await sessionTokenId(token);
    expect([...records.keys()]).toEqual([id]);
    expect(records.get(id)).toEqual({
      agentJkt: jwkThumbprint(world.agent.publicJwk),
      agentId: AGENT_ID,
      issuedAt: T0,
      expiresAt: T0 + 600,
    });
    expect(outcome.identity.issuedSession).toEqual({ id, issuedAt: T0, expiresAt: T0 + 600 });
    expect(outcome.identity.session).toBeUndefined();
    expect(JSON.stringify(outcome.identity.issuedSession)).not.toContain(token);
  });

  it('accepts the token signed by the same agent key with authorization covered and exposes the session', async () => {
    const resource = await makeResource();
    const token = await obtainSession(resource);
    const request = await signedRequest(world, `${RESOURCE}/documents`, agentToken, withSession(token));
    const outcome = success(await resource.verify(request, ACCEPT));
    expect(outcome.identity.signature.components).toContain('authorization');
    expect(outcome.identity.session?.id).toBe(await sessionTokenId(token));
    expect(outcome.identity.session?.expiresAt).toBe((outcome.identity.session?.issuedAt ?? 0) + 3600);
    expect(outcome.responseHeaders).toBeUndefined();
  });

  it('answers invalid_input with required_input ("authorization") when the signature does not cover it', async () => {
    const resource = await makeResource();
    const token = await obtainSession(resource);
    const signed = await signedRequest(world, `${RESOURCE}/documents`, agentToken);
    const headers = new Headers(signed.headers);
    headers.set('authorization', `AAuth ${token}`);
    const refused = failure(await resource.verify(new Request(signed.url, { headers }), ACCEPT));
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '')).toEqual({
      error: 'invalid_input',
      requiredInput: ['authorization'],
    });
  });

  it('refuses an unknown token with 401 invalid_session and requirement=agent-token', async () => {
    const resource = await makeResource();
    const request = await signedRequest(
      world,
      `${RESOURCE}/documents`,
      agentToken,
      withSession('bm90LWEtc2Vzc2lvbg'),
    );
    expect(await expectInvalidSession(await resource.verify(request, ACCEPT))).toMatch(/unknown or expired/);
  });

  it('refuses an expired token', async () => {
    let clock = T0;
    const resource = await makeResource({ now: () => clock, sessions: { lifetimeSeconds: 60 } });
    const issue = await signedRequest(world, `${RESOURCE}/session`, agentToken, {
      method: 'POST',
      created: clock,
    });
    const token = success(await resource.verify(issue, ISSUE)).responseHeaders?.['aauth-access'] ?? '';
    clock += 60;
    const request = await signedRequest(world, `${RESOURCE}/documents`, agentToken, {
      ...withSession(token),
      created: clock,
    });
    expect(await expectInvalidSession(await resource.verify(request, ACCEPT))).toMatch(/unknown or expired/);
  });

  it('refuses the token when another agent key presents it, even under the same agent id', async () => {
    const resource = await makeResource();
    const token = await obtainSession(resource);
    const thief = await generateKeyPair();
    const thiefToken = await mintAgentToken(
      { iss: world.ap.issuer, sub: AGENT_ID, cnf: { jwk: thief.publicJwk }, ps: world.ps.issuer },
      { signer: world.ap.key.signer, kid: world.ap.key.kid, allowLocalhostHttp: true },
    );
    const request = await signedRequest(world, `${RESOURCE}/documents`, thiefToken, {
      ...withSession(token),
      signer: thief.signer,
    });
    expect(await expectInvalidSession(await resource.verify(request, ACCEPT))).toMatch(/another agent key/);
  });

  it.each([
    ['an empty credential', 'AAuth '],
    ['embedded whitespace', 'AAuth abc def'],
    ['several credentials', 'AAuth abc, AAuth def'],
  ])('refuses %s as invalid_session', async (_name, authorization) => {
    const resource = await makeResource();
    const request = await signedRequest(world, `${RESOURCE}/documents`, agentToken, {
      headers: { authorization },
    });
    await expectInvalidSession(await resource.verify(request, ACCEPT));
  });

  it('rolls the session on an issue route: the new token replaces the presented one', async () => {
    const resource = await makeResource();
    const first = await obtainSession(resource);
    const again = await signedRequest(world, `${RESOURCE}/session`, agentToken, {
      method: 'POST',
      ...withSession(first),
    });
    const outcome = success(await resource.verify(again, ISSUE));
    const second = outcome.responseHeaders?.['aauth-access'] ?? '';
    expect(second).not.toBe(first);
    expect(outcome.identity.session?.id).toBe(await sessionTokenId(first));
    expect(outcome.identity.issuedSession?.id).toBe(await sessionTokenId(second));

    const stale = await signedRequest(world, `${RESOURCE}/documents`, agentToken, withSession(first));
    await expectInvalidSession(await resource.verify(stale, ACCEPT));
    const fresh = await signedRequest(world, `${RESOURCE}/documents`, agentToken, withSession(second));
    expect(success(await resource.verify(fresh, ACCEPT)).identity.session?.id).toBe(
      await sessionTokenId(second),
    );
  });

  it('leaves the Authorization header alone on routes without session and with person or auth tokens', async () => {
    const resource = await makeResource();
    const plain = await signedRequest(world, `${RESOURCE}/documents`, agentToken, withSession('unknown'));
    const outcome = success(await resource.verify(plain, { accept: ['agent'] }));
    expect(outcome.identity.session).toBeUndefined();

    const person = await world.personToken({ aud: RESOURCE });
    const withPerson = await signedRequest(world, `${RESOURCE}/documents`, person, withSession('unknown'));
    const personOutcome = success(await resource.verify(withPerson, ACCEPT));
    expect(personOutcome.identity.kind).toBe('person');
    expect(personOutcome.identity.session).toBeUndefined();
  });

  it('rejects misconfigured session routes and lifetimes', async () => {
    const resource = await makeResource();
    const request = await signedRequest(world, `${RESOURCE}/documents`, agentToken);
    await expect(resource.verify(request, { accept: ['person'], session: 'accept' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      resource.verify(request, { accept: ['agent'], session: 'always' as unknown as 'issue' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(makeResource({ sessions: { lifetimeSeconds: 0 } })).rejects.toThrow(
      /sessions.lifetimeSeconds/,
    );
  });
});

describe('createMemorySessionStore', () => {
  const record = (expiresAt: number): SessionRecord => ({
    agentJkt: 'jkt',
    agentId: 'aauth:a@b',
    issuedAt: 0,
    expiresAt,
  });

  it('forgets expired records and evicts the oldest when full', async () => {
    let clock = 100;
    const store = createMemorySessionStore({ maxEntries: 2, now: () => clock });
    await store.put('a', record(200));
    await store.put('b', record(300));
    await store.put('c', record(300));
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toEqual(record(300));
    clock = 300;
    expect(await store.get('c')).toBeUndefined();
    await store.delete('b');
    expect(await store.get('b')).toBeUndefined();
  });

  it('rejects a non-positive bound', () => {
    expect(() => createMemorySessionStore({ maxEntries: 0 })).toThrow(InvalidArgumentError);
  });
});
