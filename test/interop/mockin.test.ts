/**
 * Interop with a Person Server we did not write: the aauth-kit agent client completes the three-party
 * flow with `@hellocoop/mockin` 2.x (npm) as the PS, a resource built on `@aauth-kit/resource`, and an
 * Agent Provider of our own that mints the agent token with core's `mintAgentToken`.
 *
 * mockin accepts only port-less https identifiers, so every party has one (`https://ps.mockin.test`,
 * `https://agent.mockin.test`, `https://resource.mockin.test`) and a LoopbackRouter rewrites only the
 * transport to 127.0.0.1: what is signed (`@authority`), the `Host` each server sees, and every
 * identifier compared in tokens and metadata stay the identifiers. mockin fetches metadata and JWKS with
 * the global `fetch` and offers no injection point, so this file (its own process under vitest's forks
 * pool) installs a second router, with the same routes and its own log, as `globalThis.fetch` while the
 * suite runs and restores it afterwards. Our own parties get their router injected (`fetch`, discovery).
 *
 * Divergences of mockin 2.0.0 from final -11 are named and asserted below (DIVERGENCE_*), never
 * papered over in the client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AAuthClient,
  type AAuthClientOptions,
  AAuthError,
  authTokenRequirement,
  type ClarificationRequest,
  ConsentRequiredError,
  createAAuthClient,
  createDiscovery,
  decodeCompactJws,
  type GeneratedKeyPair,
  generateKeyPair,
  type Interaction,
  jwkThumbprint,
  type MintClaims,
  mintAgentToken,
  mintResourceToken,
  PersonServerError,
  parseRequirement,
} from '@aauth-kit/core';
import { createResource, type Resource, type RouteRequirement } from '@aauth-kit/resource';
import { sendWebResponse, verifyNodeRequest } from '@aauth-kit/resource/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoopbackRouter } from './loopback-router.js';

const PS = 'https://ps.mockin.test';
const AP = 'https://agent.mockin.test';
const RESOURCE = 'https://resource.mockin.test';
const AGENT_ID = 'aauth:interop@agent.mockin.test';
/** Hosts our discoveries may reach although they do not resolve publicly (they are routed to loopback). */
const ROUTED_HOSTS = ['ps.mockin.test', 'agent.mockin.test', 'resource.mockin.test'];
const NOTES = `${RESOURCE}/notes`;
const ROUTE: RouteRequirement = { accept: ['auth'], scope: 'notes.write' };

/**
 * DIVERGENCE_PERSON_TOKEN_JTI. mockin 2.0.0 implements an intermediate -11 editor's copy: its auth token
 * endpoint looks up the person token named by a resource-token claim `person_token_jti`
 * (src/aauth/verify-resource-token.js) and never reads `presented_token`. Final -11 names that claim
 * `presented_jti` (#resource-token-structure) and has the PS verify the `presented_token` the agent
 * sends. A final -11 resource is therefore refused with 400 `invalid_resource_token`. To complete the
 * flow, the resource (not the client) may add `person_token_jti` alongside `presented_jti`.
 */
const DIVERGENCE_PERSON_TOKEN_JTI = 'resource_token missing person_token_jti';

/**
 * DIVERGENCE_DENIED_ON_REQUEST. mockin has no way to deny a pending request (no route sets a pending
 * entry to `error`); its only denial is an injected `error: "denied"` answered directly by the token
 * endpoint as 403. Final -11 lists `denied` as a polling outcome (#deferred-responses).
 */
const DIVERGENCE_DENIED_ON_REQUEST = 403;

interface Listening {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The smallest Agent Provider: metadata and JWKS under its identifier. Agent tokens are minted in-process. */
function startAgentProvider(key: GeneratedKeyPair): Promise<Listening> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/.well-known/aauth-agent.json') {
      sendJson(res, 200, { issuer: AP, jwks_uri: `${AP}/.well-known/jwks.json`, name: 'interop AP' });
    } else if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      sendJson(res, 200, key.jwks);
    } else {
      sendJson(res, 404, { error: 'not_found' });
    }
  });
  return listen(server);
}

interface ResourceHarness extends Listening {
  resource: Resource;
  /** Host header of every request the resource received. */
  hostsSeen: string[];
  /** See DIVERGENCE_PERSON_TOKEN_JTI: also put `person_token_jti` into resource tokens. */
  addPersonTokenJti: boolean;
}

/**
 * Copies the resource's own challenge token and adds `person_token_jti` (= `presented_jti`), signed with
 * the resource's key. Only the claim mockin 2.0.0 needs is added; the client sees a final -11 token.
 */
async function withPersonTokenJti(response: Response, key: GeneratedKeyPair, kid: string): Promise<Response> {
  const header = response.headers.get('aauth-requirement');
  if (header === null) return response;
  const challenge = parseRequirement(header);
  if (challenge.resourceToken === undefined) return response;
  const { payload } = decodeCompactJws(challenge.resourceToken);
  const { iat, exp, jti: _jti, dwk: _dwk, ...claims } = payload;
  const lifetimeSeconds = Number(exp) - Number(iat);
  const token = await mintResourceToken(
    { ...claims, person_token_jti: claims.presented_jti } as unknown as MintClaims<'resource'>,
    { signer: key.signer, kid, lifetimeSeconds },
  );
  const headers = new Headers(response.headers);
  headers.set('aauth-requirement', authTokenRequirement(token));
  return new Response(await response.arrayBuffer(), { status: response.status, headers });
}

async function startResource(key: GeneratedKeyPair, router: LoopbackRouter): Promise<ResourceHarness> {
  const resource = createResource({
    issuer: RESOURCE,
    signer: key.signer,
    discovery: createDiscovery({
      fetch: router.fetch,
      egress: { profile: 'strict', allowHosts: ROUTED_HOSTS },
    }),
    metadata: { name: 'interop notes', scope_descriptions: { 'notes.write': 'Write notes' } },
  });
  const kid = resource.jwks().keys[0]!.kid!;
  const hostsSeen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hostsSeen.push(req.headers.host ?? '');
    void (async () => {
      const wellKnown = resource.handleWellKnown(new Request(new URL(req.url ?? '/', RESOURCE)));
      if (wellKnown !== undefined) return sendWebResponse(res, wellKnown);
      const outcome = await verifyNodeRequest(resource, req, ROUTE);
      if (outcome.ok) {
        const { kind, person, scope, agentJkt } = outcome.identity;
        return sendWebResponse(res, Response.json({ kind, person, scope, agentJkt }));
      }
      const response = harness.addPersonTokenJti
        ? await withPersonTokenJti(outcome.response, key, kid)
        : outcome.response;
      return sendWebResponse(res, response);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  const listening = await listen(server);
  const harness: ResourceHarness = { ...listening, resource, hostsSeen, addPersonTokenJti: true };
  return harness;
}

interface FastifyInstance {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}

function isFastifyInstance(value: unknown): value is FastifyInstance {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { listen?: unknown }).listen === 'function' &&
    typeof (value as { close?: unknown }).close === 'function'
  );
}

/**
 * Starts mockin in this process: its `src/api.js` registers every route on a Fastify instance (the same
 * wiring as its `bin`, src/server.js). Its identifier comes from `ISSUER` at import time (src/config.js).
 */
async function startMockin(issuer: string): Promise<Listening> {
  const packageJson = createRequire(import.meta.url).resolve('@hellocoop/mockin/package.json');
  const fastify: unknown = createRequire(packageJson)('fastify');
  const previous = process.env.ISSUER;
  process.env.ISSUER = issuer;
  let api: unknown;
  try {
    api = await import(pathToFileURL(join(dirname(packageJson), 'src/api.js')).href);
  } finally {
    if (previous === undefined) delete process.env.ISSUER;
    else process.env.ISSUER = previous;
  }
  const register = (api as { default?: unknown }).default;
  if (typeof fastify !== 'function' || typeof register !== 'function') {
    throw new TypeError('@hellocoop/mockin no longer exposes src/api.js or its fastify dependency');
  }
  const app: unknown = fastify({ logger: false });
  register(app);
  if (!isFastifyInstance(app)) throw new TypeError('fastify() did not return an instance');
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: Number(new URL(address).port), close: () => app.close() };
}

/** What the client sent to and received from mockin's token endpoints (read off the wire). */
interface PsAnswers {
  personTokens: string[];
  authTokens: string[];
  /** JSON bodies the client POSTed to mockin, by URL. */
  requests: Array<{ url: string; body: Record<string, unknown> }>;
}

function jsonBody(body: BodyInit | null | undefined): Record<string, unknown> {
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '';
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** The client's transport: the router, plus a log of its exchanges and a copy of every token mockin returned. */
function recordingFetch(router: LoopbackRouter, answers: PsAnswers, calls: string[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await router.fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(`${init?.method ?? 'GET'} ${url} ${response.status}`);
    if (url.startsWith(`${PS}/aauth/token/`)) answers.requests.push({ url, body: jsonBody(init?.body) });
    if (url.startsWith(`${PS}/`) && response.status === 200) {
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => undefined);
      if (typeof body === 'object' && body !== null) {
        const { person_token, auth_token } = body as Record<string, unknown>;
        if (typeof person_token === 'string') answers.personTokens.push(person_token);
        if (typeof auth_token === 'string') answers.authTokens.push(auth_token);
      }
    }
    return response;
  }) as typeof fetch;
}

interface World {
  /** Transport of our parties (client, resource discovery) and of the test's mock controls. */
  router: LoopbackRouter;
  /** mockin's outbound fetches (installed as globalThis.fetch). */
  mockinEgress: LoopbackRouter;
  apKey: GeneratedKeyPair;
  resource: ResourceHarness;
  closers: Array<() => Promise<void> | void>;
}

let world: World;

beforeAll(async () => {
  const router = new LoopbackRouter();
  const mockinEgress = new LoopbackRouter();
  const closers: Array<() => Promise<void> | void> = [];
  const [apKey, resourceKey] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const ap = await startAgentProvider(apKey);
  closers.push(ap.close);
  const mockin = await startMockin(PS);
  closers.push(mockin.close);
  const resource = await startResource(resourceKey, router);
  closers.push(resource.close);
  for (const r of [router, mockinEgress]) {
    r.route(AP, ap.port).route(PS, mockin.port).route(RESOURCE, resource.port);
  }
  closers.push(mockinEgress.installGlobal());
  world = { router, mockinEgress, apKey, resource, closers };
});

afterAll(async () => {
  for (const close of (world?.closers ?? []).reverse()) await close();
});

/** mockin's mock controls (`PUT /mock/aauth`, `DELETE /mock`), through the same router. */
async function mockin(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const response = await world.router.fetch(`${PS}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
}

beforeEach(async () => {
  await mockin('DELETE', '/mock'); // default: auto-approve, no deferral; also forgets issued person tokens
  world.resource.addPersonTokenJti = true;
  world.router.reset();
  world.mockinEgress.reset();
});

interface ClientUnderTest {
  client: AAuthClient;
  agentKey: GeneratedKeyPair;
  /** The client's own exchanges (its transport), as `METHOD url status`. */
  calls: string[];
  answers: PsAnswers;
  interactions: Interaction[];
}

/**
 * A new agent (own key, agent token from our AP) and its client. One agent per test: Ed25519 signatures
 * are deterministic, so two clients sharing a key would sign byte-identical first requests within the
 * same second, which the resource's replay cache rightly refuses.
 */
async function newClient(options: Partial<AAuthClientOptions> = {}): Promise<ClientUnderTest> {
  const agentKey = await generateKeyPair();
  const agentToken = await mintAgentToken(
    { iss: AP, sub: AGENT_ID, ps: PS, cnf: { jwk: agentKey.publicJwk } },
    { signer: world.apKey.signer, kid: world.apKey.kid },
  );
  const answers: PsAnswers = { personTokens: [], authTokens: [], requests: [] };
  const calls: string[] = [];
  const interactions: Interaction[] = [];
  const client = createAAuthClient({
    signer: agentKey.signer,
    agentToken,
    fetch: recordingFetch(world.router, answers, calls),
    // Identifiers are real https hosts routed to loopback: admit them by name, keep the strict profile.
    discovery: createDiscovery({
      fetch: world.router.fetch,
      egress: { profile: 'strict', allowHosts: ROUTED_HOSTS },
    }),
    onInteraction: (interaction) => {
      interactions.push(interaction);
    },
    ...options,
  });
  return { client, agentKey, calls, answers, interactions };
}

const isPost = (path: string) => (e: { method: string; url: string }) =>
  e.method === 'POST' && e.url === `${PS}${path}`;
const personTokenRequests = () => world.router.count(isPost('/aauth/token/person'));
const authTokenRequests = () => world.router.count(isPost('/aauth/token/auth'));
const polls = () => world.router.count((e) => e.method === 'GET' && e.url.startsWith(`${PS}/aauth/pending/`));

function claimsOf(jwt: string | undefined): Record<string, unknown> {
  expect(jwt).toBeTypeOf('string');
  return decodeCompactJws(jwt).payload;
}

function headerOf(jwt: string | undefined): Record<string, unknown> {
  return decodeCompactJws(jwt).header;
}

async function writeNote(client: AAuthClient): Promise<Response> {
  return client.signedRequest('POST', NOTES, { json: { text: 'from the interop test' } });
}

describe('aauth-kit client with @hellocoop/mockin 2.x as the Person Server', () => {
  it('reads mockin metadata through the strict discovery with routed identifiers', async () => {
    const discovery = createDiscovery({
      fetch: world.router.fetch,
      egress: { profile: 'strict', allowHosts: ROUTED_HOSTS },
    });
    const metadata = await discovery.getMetadata(PS, 'aauth-person.json');
    expect(metadata.issuer).toBe(PS);
    expect(metadata.person_token_endpoint).toBe(`${PS}/aauth/token/person`);
    expect(metadata.auth_token_endpoint).toBe(`${PS}/aauth/token/auth`);
    const jwks = await discovery.getJwks(PS, 'aauth-person.json');
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519' });
  });

  it('completes the three-party flow: person token and auth token from mockin, 200 as the person', async () => {
    const { client, agentKey, calls, answers } = await newClient();
    const response = await writeNote(client);
    expect(response.status).toBe(200);
    const identity = (await response.json()) as {
      kind: string;
      person: { iss: string; sub: string };
      scope: string[];
      agentJkt: string;
    };

    // Person token: issued by mockin for this resource, bound to the agent key.
    expect(answers.personTokens).toHaveLength(1);
    const person = claimsOf(answers.personTokens[0]);
    expect(headerOf(answers.personTokens[0])).toMatchObject({ typ: 'aa-person+jwt', alg: 'Ed25519' });
    const thumbprint = jwkThumbprint(agentKey.publicJwk);
    expect(person).toMatchObject({ iss: PS, aud: RESOURCE, dwk: 'aauth-person.json' });
    expect(jwkThumbprint((person.cnf as { jwk: Record<string, unknown> }).jwk)).toBe(thumbprint);

    // Auth token: issued by mockin for the resource token our resource minted, same directed sub.
    expect(answers.authTokens).toHaveLength(1);
    const auth = claimsOf(answers.authTokens[0]);
    expect(headerOf(answers.authTokens[0])).toMatchObject({ typ: 'aa-auth+jwt', alg: 'Ed25519' });
    expect(auth).toMatchObject({ iss: PS, ps: PS, aud: RESOURCE, sub: person.sub, scope: 'notes.write' });

    // The client spoke final -11 to mockin: `resource` for the person token; the resource token and the
    // token it answered (`presented_token`) for the auth token.
    expect(answers.requests.map((r) => r.url)).toEqual([
      `${PS}/aauth/token/person`,
      `${PS}/aauth/token/auth`,
    ]);
    expect(answers.requests[0]!.body).toMatchObject({ resource: RESOURCE, capabilities: ['interaction'] });
    const authRequest = answers.requests[1]!.body;
    expect(authRequest.presented_token).toBe(answers.personTokens[0]);
    const resourceToken = claimsOf(authRequest.resource_token as string);
    expect(resourceToken).toMatchObject({
      iss: RESOURCE,
      aud: PS,
      ps: PS,
      sub: person.sub,
      presented_jti: person.jti,
      person_token_jti: person.jti, // DIVERGENCE_PERSON_TOKEN_JTI: added by the resource for mockin
      agent_jkt: thumbprint,
      scope: 'notes.write',
    });

    // The resource served the person identified by (ps, sub), with the granted scope.
    expect(identity).toEqual({
      kind: 'auth',
      person: { iss: PS, sub: person.sub },
      scope: ['notes.write'],
      agentJkt: thumbprint,
    });

    // The client's wire sequence: challenge, person token, challenge with resource token, auth token, 200.
    expect(calls).toEqual([
      `POST ${NOTES} 401`,
      `POST ${PS}/aauth/token/person 200`,
      `POST ${NOTES} 401`,
      `POST ${PS}/aauth/token/auth 200`,
      `POST ${NOTES} 200`,
    ]);
    // mockin resolved our identifiers itself (metadata, then JWKS) for the agent token and the resource token.
    expect(world.mockinEgress.exchanges.map((e) => `${e.method} ${e.url} ${e.status}`)).toEqual([
      `GET ${AP}/.well-known/aauth-agent.json 200`,
      `GET ${AP}/.well-known/jwks.json 200`,
      `GET ${RESOURCE}/.well-known/aauth-resource.json 200`,
      `GET ${RESOURCE}/.well-known/jwks.json 200`,
    ]);
    // Transport only: the resource saw its identifier in Host, never a loopback address.
    expect(new Set(world.resource.hostsSeen)).toEqual(new Set(['resource.mockin.test']));

    // Warm: one signed round trip, nothing to mockin.
    calls.length = 0;
    world.router.reset();
    const again = await writeNote(client);
    expect(again.status).toBe(200);
    expect(calls).toEqual([`POST ${NOTES} 200`]);
    expect(world.router.count()).toBe(1);
  });

  it('DIVERGENCE_PERSON_TOKEN_JTI: mockin refuses a final -11 resource token (presented_jti only)', async () => {
    world.resource.addPersonTokenJti = false;
    const { client, answers } = await newClient();
    const error = await writeNote(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersonServerError);
    expect(error).toMatchObject({
      status: 400,
      error: 'invalid_resource_token',
      url: `${PS}/aauth/token/auth`,
      problem: { detail: DIVERGENCE_PERSON_TOKEN_JTI },
    });
    // The client did its part per final -11: person token obtained, then one auth token request.
    expect(answers.personTokens).toHaveLength(1);
    expect(authTokenRequests()).toBe(1);
    expect(answers.authTokens).toHaveLength(0);
  });

  it('polls mockin 202s for both tokens and completes once the person approves at the interaction URL', async () => {
    await mockin('PUT', '/mock/aauth', {
      person_requirement: 'interaction',
      requirement: 'interaction',
      auto_approve: false,
    });
    const visited: number[] = [];
    const { client, answers, interactions } = await newClient({
      // The person opens the interaction URL (an unsigned browser navigation) and mockin approves.
      onInteraction: async (interaction) => {
        interactions.push(interaction);
        const page = await world.router.fetch(interaction.interactionUrl!);
        visited.push(page.status);
      },
    });
    const response = await writeNote(client);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { kind: string }).kind).toBe('auth');

    expect(interactions).toHaveLength(2);
    expect(interactions.map((i) => i.url)).toEqual([`${PS}/aauth/consent`, `${PS}/aauth/consent`]);
    expect(interactions.map((i) => i.server)).toEqual(['person-server', 'person-server']);
    expect(interactions[1]).toMatchObject({
      kind: 'interaction',
      resource: RESOURCE,
      scope: ['notes.write'],
    });
    expect(interactions[0]!.code).not.toBe(interactions[1]!.code);
    expect(visited).toEqual([200, 200]);
    expect(personTokenRequests()).toBe(1);
    expect(authTokenRequests()).toBe(1);
    expect(polls()).toBeGreaterThanOrEqual(2);
    expect(answers.personTokens).toHaveLength(1);
    expect(answers.authTokens).toHaveLength(1);
  });

  it("in 'throw' mode surfaces mockin's interaction and resumes the same pending request after approval", async () => {
    await mockin('PUT', '/mock/aauth', { requirement: 'interaction', auto_approve: false });
    const { client } = await newClient({ consent: 'throw' });
    const first = await writeNote(client).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ConsentRequiredError);
    const { interaction, pending } = first as ConsentRequiredError;
    expect(pending.pollUrl.startsWith(`${PS}/aauth/pending/`)).toBe(true);
    expect(interaction.interactionUrl).toBe(`${PS}/aauth/consent?code=${interaction.code}`);

    const page = await world.router.fetch(interaction.interactionUrl!);
    expect(page.status).toBe(200);
    const token = await client.waitForConsent(pending);
    expect(claimsOf(token)).toMatchObject({ iss: PS, aud: RESOURCE, scope: 'notes.write' });
    const response = await writeNote(client);
    expect(response.status).toBe(200);
    expect(authTokenRequests()).toBe(1);
  });

  it('waits out an approval-only 202 (no URL to visit) and completes on the next poll', async () => {
    await mockin('PUT', '/mock/aauth', { requirement: 'approval' });
    const { client, interactions } = await newClient();
    const response = await writeNote(client);
    expect(response.status).toBe(200);
    expect(interactions).toHaveLength(1);
    expect(interactions[0]).toMatchObject({ kind: 'approval', server: 'person-server', resource: RESOURCE });
    expect(interactions[0]!.url).toBeUndefined();
    expect(polls()).toBe(1);
  });

  it("answers mockin's clarification question and completes", async () => {
    const question = 'Which notes will you write?';
    await mockin('PUT', '/mock/aauth', { requirement: 'clarification', clarification: question });
    const asked: ClarificationRequest[] = [];
    const { client } = await newClient({
      onClarification: (request) => {
        asked.push(request);
        return 'Only the one I was asked to write.';
      },
      // mockin omits Retry-After after a clarification answer (default 5 s): keep the test short.
      maxPollIntervalMs: 500,
    });
    const response = await writeNote(client);
    expect(response.status).toBe(200);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ question, resource: RESOURCE, timeoutSeconds: 120 });
    expect(world.router.count((e) => e.method === 'POST' && e.url.startsWith(`${PS}/aauth/pending/`))).toBe(
      1,
    );
  });

  it('DIVERGENCE_DENIED_ON_REQUEST: a denial ends the call with a typed 403 denied error', async () => {
    await mockin('PUT', '/mock/aauth', { error: 'denied', error_endpoint: 'token' });
    const { client, answers } = await newClient();
    const error = await writeNote(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AAuthError);
    expect(error).toMatchObject({ status: DIVERGENCE_DENIED_ON_REQUEST, error: 'denied' });
    expect(answers.personTokens).toHaveLength(1);
    expect(answers.authTokens).toHaveLength(0);
    expect(polls()).toBe(0);
    // The resource never saw an auth token: only the two challenged calls reached it.
    expect(world.router.count((e) => e.url === NOTES)).toBe(2);
  });

  it('ends with a typed 403 user_unreachable when the agent cannot drive an interaction', async () => {
    await mockin('PUT', '/mock/aauth', { requirement: 'interaction' });
    const { client } = await newClient({ capabilities: ['clarification'] });
    const error = await writeNote(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AAuthError);
    expect(error).toMatchObject({ status: 403, error: 'user_unreachable' });
    expect(authTokenRequests()).toBe(1);
  });
});
