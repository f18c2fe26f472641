import {
  ConfigurationError,
  DWK,
  type GeneratedKeyPair,
  generateKeyPair,
  InvalidArgumentError,
  mintAgentToken,
  parseRequirement,
  parseSignatureError,
  signMessage,
  verifyToken,
} from '@aauth-kit/core';
import { fetch as httpsigFetch } from '@hellocoop/httpsig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, signedRequest, startIssuer, type World } from './__fixtures__/world.js';
import { AuthorizationRequiredError, UntrustedPersonServerError } from './errors.js';
import { createResource } from './resource.js';
import type { Resource, ResourceOptions, VerifyOutcome } from './types.js';

const RESOURCE = 'http://127.0.0.1:4100';
const MISSION = 'hDpo1gAjCW1xR4j3nNPT6yBt3vCZWd4gMZXoqvjXPeY';

let world: World;
let resourceKey: GeneratedKeyPair;

beforeAll(async () => {
  world = await createWorld();
  resourceKey = await generateKeyPair();
});
afterAll(() => world.close());

function makeResource(options: Partial<ResourceOptions> = {}): Resource {
  return createResource({ issuer: RESOURCE, signer: resourceKey.signer, development: true, ...options });
}

function failure(outcome: VerifyOutcome): Extract<VerifyOutcome, { ok: false }> {
  if (outcome.ok) throw new Error('expected the request to be refused');
  return outcome;
}

async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

function requirementOf(response: Response) {
  const header = response.headers.get('aauth-requirement');
  if (header === null) throw new Error('no AAuth-Requirement header');
  return parseRequirement(header);
}

async function resourceTokenClaims(token: string, audience: string) {
  const verified = await verifyToken(token, {
    accept: ['resource'],
    key: resourceKey.publicJwk,
    audience,
    allowLocalhostHttp: true,
  });
  expect(verified.typ).toBe('aa-resource+jwt');
  expect(verified.header.kid).toBe(resourceKey.kid);
  return verified.claims as Record<string, unknown>;
}

describe('agent-token routes', () => {
  it('accepts an agent token and exposes the agent identity', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    const outcome = await resource.verify(request, { accept: ['agent'] });
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.kind).toBe('agent');
    expect(outcome.identity.agentId).toBe('aauth:bot@localhost');
    expect(outcome.identity.agentJkt).toBe(world.agent.kid);
    expect(outcome.identity.scope).toEqual([]);
    expect(outcome.identity.person).toBeUndefined();
    expect(outcome.identity.token.claims.iss).toBe(world.ap.issuer);
    expect(outcome.identity.signature.components).toEqual([
      '@method',
      '@authority',
      '@path',
      'signature-key',
    ]);
  });

  it('asks for an agent token when a person token reaches an agent-only route', async () => {
    const resource = makeResource();
    const request = await signedRequest(
      world,
      `${RESOURCE}/docs`,
      await world.personToken({ aud: RESOURCE }),
    );
    const refused = failure(await resource.verify(request, { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(requirementOf(refused.response).requirement).toBe('agent-token');
    expect(refused.response.headers.get('signature-error')).toBeNull();
  });
});

describe('person-token routes', () => {
  it('challenges an agent token with requirement=person-token', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/me`, await world.agentToken());
    const refused = failure(await resource.verify(request, { accept: ['person'] }));
    expect(refused.status).toBe(401);
    expect(refused.error).toBeInstanceOf(AuthorizationRequiredError);
    expect(requirementOf(refused.response)).toEqual({ requirement: 'person-token', params: {} });
    expect(refused.response.headers.get('signature-error')).toBeNull();
    const body = await problem(refused.response);
    expect(body.error).toBe('authorization_required');
    expect(body.requirement).toBe('person-token');
  });

  it('still asks for a person token when the agent token names no PS, and says so', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/me`, await world.agentToken({ ps: null }));
    const refused = failure(await resource.verify(request, { accept: ['person'] }));
    expect(requirementOf(refused.response).requirement).toBe('person-token');
    expect(String((await problem(refused.response)).detail)).toContain('names no Person Server');
  });

  it('accepts a person token and exposes the person, mission and tenant', async () => {
    const resource = makeResource();
    const token = await world.personToken({ aud: RESOURCE, mission_s256: MISSION, tenant: 'acme' });
    const outcome = await resource.verify(await signedRequest(world, `${RESOURCE}/me`, token), {
      accept: ['person'],
    });
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.kind).toBe('person');
    expect(outcome.identity.person).toEqual({ iss: world.ps.issuer, sub: 'person-1234' });
    expect(outcome.identity.missionS256).toBe(MISSION);
    expect(outcome.identity.tenant).toBe('acme');
    expect(outcome.identity.agentId).toBeUndefined();
  });

  it('refuses a person token addressed to another resource with Signature-Error invalid_jwt', async () => {
    const resource = makeResource();
    const token = await world.personToken({ aud: 'http://127.0.0.1:4999' });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/me`, token), { accept: ['person'] }),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });

  it('answers 403 without Signature-Error for a person token from a PS outside trustedPersonServers', async () => {
    const resource = makeResource({ trustedPersonServers: [world.ps.issuer] });
    const token = await world.personToken({ aud: RESOURCE, ps: world.otherPs });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/me`, token), { accept: ['person'] }),
    );
    expect(refused.status).toBe(403);
    expect(refused.error).toBeInstanceOf(UntrustedPersonServerError);
    expect(refused.response.headers.get('signature-error')).toBeNull();
    expect(refused.response.headers.get('accept-signature-scheme')).toBeNull();
    expect(refused.response.headers.get('accept-signature-alg')).toBeNull();
    expect((await problem(refused.response)).error).toBe('untrusted_person_server');
  });
});

describe('auth-token routes', () => {
  const route = { accept: ['auth'], scope: 'docs.write' } as const;

  it('answers a person token with requirement=auth-token and a resource token whose claims are all right', async () => {
    const resource = makeResource();
    const person = await world.personToken({ aud: RESOURCE, mission_s256: MISSION, tenant: 'acme' });
    const personJti = (
      await verifyToken(person, { accept: ['person'], key: world.ps.key.publicJwk, allowLocalhostHttp: true })
    ).claims.jti;
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, person), route),
    );
    expect(refused.status).toBe(401);
    expect(refused.response.headers.get('signature-error')).toBeNull();
    expect(refused.response.headers.get('cache-control')).toBe('no-store');
    const requirement = requirementOf(refused.response);
    expect(requirement.requirement).toBe('auth-token');
    const claims = await resourceTokenClaims(requirement.resourceToken!, world.ps.issuer);
    expect(claims).toMatchObject({
      iss: RESOURCE,
      dwk: DWK.resource,
      aud: world.ps.issuer,
      ps: world.ps.issuer,
      sub: 'person-1234',
      presented_jti: personJti,
      agent_jkt: world.agent.kid,
      scope: 'docs.write',
      mission_s256: MISSION,
      tenant: 'acme',
    });
    expect(claims.cnf).toBeUndefined();
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
  });

  it('never accepts a person token where only an auth token will do, even without scopes', async () => {
    const resource = makeResource();
    const person = await world.personToken({ aud: RESOURCE });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, person), { accept: ['auth'] }),
    );
    expect(refused.status).toBe(401);
    expect(requirementOf(refused.response).requirement).toBe('auth-token');
  });

  it('accepts an auth token from the PS it sent a resource token to, with the granted scope', async () => {
    const resource = makeResource();
    // The resource learns to trust the PS by addressing it a resource token (default trust).
    const person = await world.personToken({ aud: RESOURCE });
    failure(await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, person), route));
    const auth = await world.authToken({
      aud: RESOURCE,
      scope: 'docs.read docs.write',
      mission_s256: MISSION,
    });
    const outcome = await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route);
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.kind).toBe('auth');
    expect(outcome.identity.scope).toEqual(['docs.read', 'docs.write']);
    expect(outcome.identity.person).toEqual({ iss: world.ps.issuer, sub: 'person-1234' });
    expect(outcome.identity.missionS256).toBe(MISSION);
    expect(outcome.identity.agentJkt).toBe(world.agent.kid);
  });

  it('steps up an auth token lacking the route scope with a resource token presenting that auth token', async () => {
    const resource = makeResource({ trustedPersonServers: [world.ps.issuer] });
    const auth = await world.authToken({ aud: RESOURCE, scope: 'docs.read', tenant: 'acme' });
    const authJti = (
      await verifyToken(auth, { accept: ['auth'], key: world.ps.key.publicJwk, allowLocalhostHttp: true })
    ).claims.jti;
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route),
    );
    expect(refused.status).toBe(401);
    expect(refused.response.headers.get('signature-error')).toBeNull();
    const requirement = requirementOf(refused.response);
    expect(requirement.requirement).toBe('auth-token');
    const claims = await resourceTokenClaims(requirement.resourceToken!, world.ps.issuer);
    expect(claims).toMatchObject({
      presented_jti: authJti,
      ps: world.ps.issuer,
      aud: world.ps.issuer,
      sub: 'person-1234',
      agent_jkt: world.agent.kid,
      scope: 'docs.read docs.write',
      tenant: 'acme',
    });
  });

  it('refuses an auth token from a PS it never sent a resource token to (401 + person-token)', async () => {
    const resource = makeResource();
    const auth = await world.authToken({ aud: RESOURCE, issuer: world.otherPs, scope: 'docs.write' });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
    expect(requirementOf(refused.response).requirement).toBe('person-token');
    expect(String((await problem(refused.response)).detail)).toContain('not trusted');
  });

  it('refuses a PS-issued auth token whose ps names another PS', async () => {
    const resource = makeResource({ trustedPersonServers: [world.ps.issuer, world.otherPs.issuer] });
    const auth = await world.authToken({ aud: RESOURCE, ps: world.otherPs.issuer, scope: 'docs.write' });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });

  it('refuses an auth token addressed to another resource', async () => {
    const resource = makeResource({ trustedPersonServers: [world.ps.issuer] });
    const auth = await world.authToken({ aud: 'http://127.0.0.1:4999', scope: 'docs.write' });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route),
    );
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });

  it('four-party: addresses resource tokens to the configured AS and accepts its auth tokens', async () => {
    const resource = makeResource({ accessServer: world.as.issuer });
    const person = await world.personToken({ aud: RESOURCE });
    const challenged = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, person), route),
    );
    const claims = await resourceTokenClaims(
      requirementOf(challenged.response).resourceToken!,
      world.as.issuer,
    );
    expect(claims.aud).toBe(world.as.issuer);
    expect(claims.ps).toBe(world.ps.issuer);

    const auth = await world.authToken({ aud: RESOURCE, issuer: world.as, scope: 'docs.write' });
    const outcome = await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route);
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.token.claims.dwk).toBe(DWK.access);
    expect(outcome.identity.person).toEqual({ iss: world.ps.issuer, sub: 'person-1234' });
  });

  it('refuses AS-issued auth tokens when no Access Server is configured', async () => {
    const resource = makeResource({ trustedPersonServers: [world.ps.issuer] });
    const auth = await world.authToken({ aud: RESOURCE, issuer: world.as, scope: 'docs.write' });
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, auth), route),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });

  it('escalates an agent token on an auth route to a person token first', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    const refused = failure(await resource.verify(request, route));
    expect(requirementOf(refused.response).requirement).toBe('person-token');
  });
});

describe('signature failures', () => {
  it('refuses a replayed signed request', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    const replay = request.clone();
    expect((await resource.verify(request, { accept: ['agent'] })).ok).toBe(true);
    const refused = failure(await resource.verify(replay, { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
    expect(String((await problem(refused.response)).detail)).toContain('replayed');
  });

  it('refuses a tampered request with Signature-Error and a sig-error problem body', async () => {
    const resource = makeResource();
    const signed = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    const tampered = new Request(`${RESOURCE}/admin`, { headers: signed.headers });
    const refused = failure(await resource.verify(tampered, { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
    const body = await problem(refused.response);
    expect(body).toMatchObject({
      type: 'urn:ietf:params:sig-error:invalid_signature',
      error: 'invalid_signature',
      status: 401,
    });
  });

  it('refuses a request signed for another authority', async () => {
    const resource = makeResource();
    const signed = await signedRequest(world, 'http://127.0.0.1:4999/docs', await world.agentToken());
    const moved = new Request(`${RESOURCE}/docs`, { headers: signed.headers });
    const refused = failure(await resource.verify(moved, { accept: ['agent'] }));
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('refuses a request signed by a key other than the token cnf key', async () => {
    const resource = makeResource();
    const stranger = await generateKeyPair();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken(), {
      signer: stranger.signer,
    });
    const refused = failure(await resource.verify(request, { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(refused.response.headers.get('signature-error')).not.toBeNull();
  });

  it('refuses an unsigned request with invalid_signature and asks for an agent token', async () => {
    const resource = makeResource();
    const refused = failure(await resource.verify(new Request(`${RESOURCE}/docs`), { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
    expect(parseRequirement(refused.response.headers.get('aauth-requirement') ?? '').requirement).toBe(
      'agent-token',
    );
  });

  it('does not send AAuth-Requirement for a signed request that fails verification', async () => {
    const resource = makeResource();
    const signed = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    const tampered = new Request(`${RESOURCE}/other`, { headers: signed.headers });
    const refused = failure(await resource.verify(tampered, { accept: ['agent'] }));
    expect(refused.response.headers.get('signature-error')).not.toBeNull();
    expect(refused.response.headers.get('aauth-requirement')).toBeNull();
  });

  it('answers unsupported_scheme with Accept-Signature-Scheme: jwt for an hwk signature', async () => {
    const resource = makeResource();
    const { kid: _kid, ...jwk } = world.agent.publicJwk;
    const headers = new Headers();
    const added = await signMessage(
      { method: 'GET', url: `${RESOURCE}/docs`, headers },
      { signer: world.agent.signer, signatureKey: { scheme: 'hwk', jwk } },
    );
    for (const [name, value] of Object.entries(added)) if (value !== undefined) headers.set(name, value);
    const refused = failure(
      await resource.verify(new Request(`${RESOURCE}/docs`, { headers }), { accept: ['agent'] }),
    );
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'unsupported_scheme',
    );
    expect(refused.response.headers.get('accept-signature-scheme')).toBe('jwt');
  });

  it('asks for the components listed in additional_signature_components with invalid_input', async () => {
    const resource = makeResource({ metadata: { additional_signature_components: ['@target-uri'] } });
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    // The core signer never covers @target-uri by default, so this signature lacks it.
    const refused = failure(await resource.verify(request, { accept: ['agent'] }));
    const header = parseSignatureError(refused.response.headers.get('signature-error') ?? '');
    expect(header).toEqual({ error: 'invalid_input', requiredInput: ['@target-uri'] });
  });

  it('checks a covered Content-Digest against the body', async () => {
    const resource = makeResource();
    const signed = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken(), {
      method: 'POST',
      body: { title: 'a' },
    });
    expect((await resource.verify(signed.clone(), { accept: ['agent'] })).ok).toBe(true);
    const swapped = new Request(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: '{"title":"b"}',
    });
    const refused = failure(await makeResource().verify(swapped, { accept: ['agent'] }));
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('leaves the request body readable for the handler', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken(), {
      method: 'POST',
      body: { title: 'kept' },
    });
    expect((await resource.verify(request, { accept: ['agent'] })).ok).toBe(true);
    expect(await request.json()).toEqual({ title: 'kept' });
  });

  it('answers 413 with a problem body when the body exceeds maxBodyBytes', async () => {
    const resource = makeResource({ maxBodyBytes: 16 });
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken(), {
      method: 'POST',
      body: { text: 'x'.repeat(64) },
    });
    const refused = failure(await resource.verify(request, { accept: ['agent'] }));
    expect(refused.status).toBe(413);
    expect((await problem(refused.response)).error).toBe('payload_too_large');
    expect(refused.response.headers.get('signature-error')).toBeNull();
  });
});

describe('freshness and token validity', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('enforces the configured signature window', async () => {
    const token = await world.agentToken();
    const created = nowSeconds() - 45;
    const old = await signedRequest(world, `${RESOURCE}/docs`, token, { created });
    expect((await makeResource().verify(old.clone(), { accept: ['agent'] })).ok).toBe(true);
    const refused = failure(await makeResource({ signatureWindow: 30 }).verify(old, { accept: ['agent'] }));
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_signature',
    );
  });

  it('answers clock_skew for a signature created too far in the future', async () => {
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken(), {
      created: nowSeconds() + 600,
    });
    const refused = failure(await makeResource().verify(request, { accept: ['agent'] }));
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'clock_skew',
    );
  });

  it('answers expired_jwt for an expired agent token', async () => {
    const expired = await mintAgentToken(
      { iss: world.ap.issuer, sub: 'aauth:bot@localhost', cnf: { jwk: world.agent.publicJwk } },
      {
        signer: world.ap.key.signer,
        kid: world.ap.key.kid,
        allowLocalhostHttp: true,
        now: () => nowSeconds() - 7200,
        lifetimeSeconds: 3600,
      },
    );
    const refused = failure(
      await makeResource().verify(await signedRequest(world, `${RESOURCE}/docs`, expired), {
        accept: ['agent'],
      }),
    );
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'expired_jwt',
    );
  });

  it('answers unknown_key when the token issuer cannot be reached', async () => {
    const gone = await startIssuer(DWK.agent);
    const token = await mintAgentToken(
      { iss: gone.issuer, sub: 'aauth:bot@localhost', cnf: { jwk: world.agent.publicJwk } },
      { signer: gone.key.signer, kid: gone.key.kid, allowLocalhostHttp: true },
    );
    await gone.close();
    const refused = failure(
      await makeResource().verify(await signedRequest(world, `${RESOURCE}/docs`, token), {
        accept: ['agent'],
      }),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'unknown_key',
    );
  });

  it('refuses a resource token presented in Signature-Key', async () => {
    const resource = makeResource();
    const person = await world.personToken({ aud: RESOURCE });
    const challenged = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, person), { accept: ['auth'] }),
    );
    const resourceToken = requirementOf(challenged.response).resourceToken!;
    const refused = failure(
      await resource.verify(await signedRequest(world, `${RESOURCE}/docs`, resourceToken), {
        accept: ['auth'],
      }),
    );
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });

  it('refuses a token issued outside the development profile rules when development is off', async () => {
    const resource = createResource({ issuer: 'https://api.example', signer: resourceKey.signer });
    const request = await signedRequest(world, 'https://api.example/docs', await world.agentToken());
    const refused = failure(await resource.verify(request, { accept: ['agent'] }));
    expect(refused.status).toBe(401);
    expect(parseSignatureError(refused.response.headers.get('signature-error') ?? '').error).toBe(
      'invalid_jwt',
    );
  });
});

describe('@hellocoop/httpsig interop', () => {
  it('refuses by default a @hellocoop/httpsig request whose query is unsigned (its default components)', async () => {
    const resource = makeResource();
    const { headers } = await httpsigFetch(`${RESOURCE}/docs?page=2`, {
      method: 'GET',
      signingKey: world.agent.privateJwk as JsonWebKey,
      signatureKey: { type: 'jwt', jwt: await world.agentToken() },
      dryRun: true,
    });
    const refused = failure(
      await resource.verify(new Request(`${RESOURCE}/docs?page=2`, { headers }), { accept: ['agent'] }),
    );
    const header = parseSignatureError(refused.response.headers.get('signature-error') ?? '');
    expect(header).toEqual({ error: 'invalid_input', requiredInput: ['@query'] });
  });

  it('accepts a request signed by @hellocoop/httpsig with the jwt scheme and our agent token', async () => {
    // A resource that does not ask for the query to be signed (its metadata lists no extra components).
    const resource = makeResource({ metadata: { additional_signature_components: [] } });
    const jwt = await world.agentToken();
    const { headers } = await httpsigFetch(`${RESOURCE}/docs?page=2`, {
      method: 'GET',
      signingKey: world.agent.privateJwk as JsonWebKey,
      signatureKey: { type: 'jwt', jwt },
      dryRun: true,
    });
    const outcome = await resource.verify(new Request(`${RESOURCE}/docs?page=2`, { headers }), {
      accept: ['agent'],
    });
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.agentId).toBe('aauth:bot@localhost');
    expect(outcome.identity.agentJkt).toBe(world.agent.kid);
  });

  it('accepts a @hellocoop/httpsig POST whose covered Content-Digest matches the body', async () => {
    const resource = makeResource({ metadata: { additional_signature_components: ['content-digest'] } });
    const body = JSON.stringify({ title: 'interop' });
    const { headers } = await httpsigFetch(`${RESOURCE}/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signingKey: world.agent.privateJwk as JsonWebKey,
      signatureKey: { type: 'jwt', jwt: await world.agentToken() },
      dryRun: true,
    });
    const outcome = await resource.verify(
      new Request(`${RESOURCE}/docs`, { method: 'POST', headers, body }),
      {
        accept: ['agent'],
      },
    );
    if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
    expect(outcome.identity.signature.components).toContain('content-digest');
  });
});

describe('metadata and JWKS', () => {
  it('publishes its metadata at /.well-known/aauth-resource.json', async () => {
    const resource = makeResource({
      metadata: {
        name: 'Docs',
        authorization_endpoint: `${RESOURCE}/authorize`,
        scope_descriptions: { 'docs.read': 'Read your documents' },
      },
      signatureWindow: 30,
    });
    const response = resource.handleWellKnown(new Request(`${RESOURCE}/.well-known/aauth-resource.json`));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(await response?.json()).toEqual({
      issuer: RESOURCE,
      jwks_uri: `${RESOURCE}/.well-known/jwks.json`,
      signature_window: 30,
      accept_signature_algs: ['Ed25519', 'ES256'],
      additional_signature_components: ['@query', 'content-type', 'content-digest'],
      name: 'Docs',
      authorization_endpoint: `${RESOURCE}/authorize`,
      scope_descriptions: { 'docs.read': 'Read your documents' },
    });
    expect(resource.metadata().issuer).toBe(RESOURCE);
  });

  it('publishes the resource-token key at /.well-known/jwks.json', async () => {
    const resource = makeResource();
    const response = resource.handleWellKnown(new Request(`${RESOURCE}/.well-known/jwks.json`));
    const jwks = (await response?.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', kid: resourceKey.kid });
    expect(jwks.keys[0]?.d).toBeUndefined();
    expect(resource.jwks()).toEqual(jwks);
  });

  it('answers HEAD without a body, 405 for other methods, and ignores other paths', async () => {
    const resource = makeResource();
    const head = resource.handleWellKnown(
      new Request(`${RESOURCE}/.well-known/jwks.json`, { method: 'HEAD' }),
    );
    expect(head?.status).toBe(200);
    expect(head?.body).toBeNull();
    const post = resource.handleWellKnown(
      new Request(`${RESOURCE}/.well-known/aauth-resource.json`, { method: 'POST' }),
    );
    expect(post?.status).toBe(405);
    expect(post?.headers.get('allow')).toBe('GET, HEAD');
    expect(resource.handleWellKnown(new Request(`${RESOURCE}/docs`))).toBeUndefined();
  });
});

describe('authorization endpoint', () => {
  const endpoint = `${RESOURCE}/authorize`;
  const withScopes = () =>
    makeResource({
      metadata: {
        authorization_endpoint: endpoint,
        scope_descriptions: { 'docs.read': 'Read', 'docs.write': 'Write' },
      },
    });

  it('issues a resource token for a person-token signed POST {scope}', async () => {
    const resource = withScopes();
    const person = await world.personToken({ aud: RESOURCE, mission_s256: MISSION });
    const request = await signedRequest(world, endpoint, person, {
      method: 'POST',
      body: { scope: 'docs.read docs.write', account: 'acct-7' },
    });
    const response = await resource.handleAuthorizationRequest(request);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { resource_token } = (await response.json()) as { resource_token: string };
    const claims = await resourceTokenClaims(resource_token, world.ps.issuer);
    expect(claims).toMatchObject({
      aud: world.ps.issuer,
      ps: world.ps.issuer,
      scope: 'docs.read docs.write',
      account: 'acct-7',
      mission_s256: MISSION,
      agent_jkt: world.agent.kid,
    });
  });

  it('challenges an agent token with requirement=person-token', async () => {
    const resource = withScopes();
    const request = await signedRequest(world, endpoint, await world.agentToken(), {
      method: 'POST',
      body: { scope: 'docs.read' },
    });
    const response = await resource.handleAuthorizationRequest(request);
    expect(response.status).toBe(401);
    expect(requirementOf(response).requirement).toBe('person-token');
  });

  it('answers invalid_scope for a scope the resource does not offer', async () => {
    const resource = withScopes();
    const request = await signedRequest(world, endpoint, await world.personToken({ aud: RESOURCE }), {
      method: 'POST',
      body: { scope: 'docs.delete' },
    });
    const response = await resource.handleAuthorizationRequest(request);
    expect(response.status).toBe(400);
    expect((await problem(response)).error).toBe('invalid_scope');
  });

  it.each([
    ['malformed JSON', '{"scope":'],
    ['no scope', { account: 'x' }],
    ['a non-string scope', { scope: ['docs.read'] }],
    ['an empty scope', { scope: '  ' }],
    ['a JSON array', ['docs.read']],
  ])('answers invalid_request for %s', async (_name, body) => {
    const resource = withScopes();
    const request = await signedRequest(world, endpoint, await world.personToken({ aud: RESOURCE }), {
      method: 'POST',
      body,
    });
    const response = await resource.handleAuthorizationRequest(request);
    expect(response.status).toBe(400);
    expect((await problem(response)).error).toBe('invalid_request');
  });

  it('requires the body to be covered by the signature', async () => {
    const resource = withScopes();
    const person = await world.personToken({ aud: RESOURCE });
    // Signed as a bodyless request, then sent with a body: content-type and content-digest are not covered.
    const signed = await signedRequest(world, endpoint, person, { method: 'POST' });
    const request = new Request(endpoint, {
      method: 'POST',
      headers: signed.headers,
      body: JSON.stringify({ scope: 'docs.read' }),
    });
    const response = await resource.handleAuthorizationRequest(request);
    expect(response.status).toBe(401);
    const header = parseSignatureError(response.headers.get('signature-error') ?? '');
    expect(header.error).toBe('invalid_input');
    expect(header.requiredInput).toEqual(['content-type', 'content-digest']);
  });

  it('answers 405 to anything but POST', async () => {
    const response = await withScopes().handleAuthorizationRequest(new Request(endpoint));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('configuration', () => {
  it.each([
    ['a non-identifier issuer', { issuer: 'https://api.example/' }],
    ['an http issuer outside development', { issuer: 'http://127.0.0.1:4100', development: false }],
    ['a resource token lifetime above 5 minutes', { resourceTokenLifetime: 301 }],
    ['a zero signature window', { signatureWindow: 0 }],
    ['a derived metadata member', { metadata: { issuer: 'https://other.example' } }],
    ['an authorization endpoint with a query', { metadata: { authorization_endpoint: `${RESOURCE}/a?x=1` } }],
    ['an authority with a path', { authority: 'api.example/x' }],
  ])('refuses %s with a ConfigurationError', (_name, options) => {
    expect(() => makeResource(options as Partial<ResourceOptions>)).toThrow(ConfigurationError);
  });

  it('refuses a route with scopes that does not accept auth tokens', async () => {
    const resource = makeResource();
    const request = await signedRequest(world, `${RESOURCE}/docs`, await world.agentToken());
    await expect(resource.verify(request, { accept: ['agent'], scope: 'docs.read' })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('refuses a route with an empty accept list', async () => {
    const resource = makeResource();
    await expect(resource.verify(new Request(`${RESOURCE}/docs`), { accept: [] })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
