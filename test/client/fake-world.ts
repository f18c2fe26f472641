/**
 * A small three-party world on loopback for client tests that need to script the peers: a Person
 * Server and a resource as node:http servers whose answers each test can override step by step, with
 * real tokens (minted by core) and a resource that really verifies signatures (core's verifier).
 */

import type { AAuthClient, AAuthClientOptions } from '../../packages/core/src/client/index.js';
import { createAAuthClient } from '../../packages/core/src/client/index.js';
import {
  createRequestVerifier,
  type GeneratedKeyPair,
  generateKeyPair,
  jwkThumbprint,
  mintAuthToken,
  mintPersonToken,
  mintResourceToken,
  type VerifiedRequest,
} from '../../packages/core/src/index.js';
import {
  countingFetch,
  json,
  type LoopbackServer,
  loopbackServer,
  type RecordedRequest,
  type Reply,
} from './helpers.js';

export const AGENT_PROVIDER = 'http://localhost:9';
export const PERSON = 'person-1';
export const SCOPE = 'files.write';

type Answer = Reply | 'hang' | undefined;
type Handler = (request: RecordedRequest, world: FakeWorld) => Answer | Promise<Answer>;

export interface FakeWorldOptions {
  /** Overrides for PS paths (`/person-token`, `/token`, `/pending/...`); undefined → default answer. */
  ps?: Handler;
  /** Overrides for the resource; undefined → default AAuth behaviour. */
  resource?: (
    request: RecordedRequest,
    verified: VerifiedRequest | undefined,
    world: FakeWorld,
  ) => Answer | Promise<Answer>;
  client?: Partial<AAuthClientOptions>;
  /** Lifetime of minted person/auth tokens (default 3600). */
  tokenLifetimeSeconds?: number;
  now?: () => number;
}

export interface FakeWorld {
  ps: LoopbackServer;
  resource: LoopbackServer;
  client: AAuthClient;
  transport: ReturnType<typeof countingFetch>;
  agentKey: GeneratedKeyPair;
  psKey: GeneratedKeyPair;
  resourceKey: GeneratedKeyPair;
  personToken(): Promise<string>;
  authToken(scope?: string): Promise<string>;
  resourceToken(presented: { jti: string; sub: string }, scope?: string): Promise<string>;
  psRequests(path: string): RecordedRequest[];
  close(): Promise<void>;
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

export async function fakeWorld(options: FakeWorldOptions = {}): Promise<FakeWorld> {
  const [agentKey, apKey, psKey, resourceKey] = await Promise.all([
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
  ]);
  const nowSeconds = options.now ?? (() => Date.now() / 1000);
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  // Assigned once both servers know their ports; their handlers only run after that.
  let world: FakeWorld;

  const ps = await loopbackServer(async (request, origin) => {
    const custom = options.ps?.(request, world);
    const reply = custom instanceof Promise ? await custom : custom;
    if (reply !== undefined) return reply;
    if (request.path === '/.well-known/aauth-person.json') {
      return json(200, {
        issuer: origin,
        jwks_uri: `${origin}/jwks.json`,
        person_token_endpoint: `${origin}/person-token`,
        auth_token_endpoint: `${origin}/token`,
      });
    }
    if (request.path === '/person-token')
      return json(200, { person_token: await world.personToken(), expires_in: lifetime });
    if (request.path === '/token')
      return json(200, { auth_token: await world.authToken(), expires_in: lifetime });
    return json(404, { error: 'not_found' });
  });

  let verifier: ReturnType<typeof createRequestVerifier> | undefined;
  const resource = await loopbackServer(async (request, origin) => {
    verifier ??= createRequestVerifier({
      // No `audience`: core applies it to agent tokens too (reported); person/auth `aud` is checked below.
      accept: ['agent', 'person', 'auth'],
      development: true,
      issuerKeys: { [AGENT_PROVIDER]: [apKey.publicJwk], [ps.origin]: [psKey.publicJwk] },
      now: nowSeconds,
    });
    let verified: VerifiedRequest | undefined;
    try {
      verified = await verifier.verify({
        method: request.method,
        url: `${origin}${request.path}`,
        headers: request.headers as Record<string, string>,
        body: request.body === '' ? null : request.body,
      });
      const kind = verified.token?.kind;
      if ((kind === 'person' || kind === 'auth') && verified.token?.claims.aud !== origin)
        verified = undefined;
    } catch (error) {
      if (process.env.FAKE_WORLD_DEBUG) console.log('fake resource rejected the request:', error);
      verified = undefined;
    }
    const custom = options.resource?.(request, verified, world);
    const reply = custom instanceof Promise ? await custom : custom;
    if (reply !== undefined) return reply;
    if (verified === undefined) {
      return json(401, { error: 'invalid_signature' }, { 'signature-error': 'error=invalid_signature' });
    }
    const token = verified.token;
    if (token?.kind === 'agent')
      return json(401, { error: 'person required' }, { 'aauth-requirement': 'requirement=person-token' });
    if (token?.kind === 'person') {
      const rt = await world.resourceToken({ jti: String(token.claims.jti), sub: String(token.claims.sub) });
      return json(
        401,
        { error: 'auth required' },
        { 'aauth-requirement': `requirement=auth-token; resource-token="${rt}"` },
      );
    }
    return json(200, { ok: true, method: request.method, path: request.path, body: request.body });
  });

  const transport = countingFetch(fetch);
  const client = createAAuthClient({
    signer: agentKey.signer,
    agentProvider: {
      issuer: AGENT_PROVIDER,
      signer: apKey.signer,
      kid: apKey.kid,
      agentId: 'aauth:test@localhost',
      personServer: ps.origin,
    },
    development: true,
    fetch: transport.fetch,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...options.client,
  });

  const mintOptions = (key: GeneratedKeyPair, seconds = lifetime) => ({
    signer: key.signer,
    kid: key.kid,
    now: nowSeconds,
    lifetimeSeconds: seconds,
    allowLocalhostHttp: true,
  });

  world = {
    ps,
    resource,
    client,
    transport,
    agentKey,
    psKey,
    resourceKey,
    personToken: () =>
      mintPersonToken(
        { iss: ps.origin, aud: resource.origin, sub: PERSON, cnf: { jwk: agentKey.publicJwk } },
        mintOptions(psKey),
      ),
    authToken: (scope = SCOPE) =>
      mintAuthToken(
        {
          iss: ps.origin,
          aud: resource.origin,
          ps: ps.origin,
          sub: PERSON,
          scope,
          cnf: { jwk: agentKey.publicJwk },
        },
        mintOptions(psKey),
      ),
    resourceToken: (presented, scope = SCOPE) =>
      mintResourceToken(
        {
          iss: resource.origin,
          aud: ps.origin,
          ps: ps.origin,
          sub: presented.sub,
          presented_jti: presented.jti,
          agent_jkt: jwkThumbprint(agentKey.publicJwk),
          scope,
        },
        mintOptions(resourceKey, 300),
      ),
    psRequests: (path) => ps.requests.filter((r) => r.path === path),
    close: async () => {
      await Promise.all([ps.close(), resource.close()]);
    },
  };
  return world;
}

export { claimsOf };
