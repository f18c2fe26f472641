import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DWK } from '../constants.js';
import { AbortedError, DiscoveryError, EgressDeniedError, TimeoutError } from '../errors.js';
import { type GeneratedKeyPair, generateKeyPair } from '../keys/index.js';
import { startTestServer, type TestServer } from './__fixtures__/test-server.js';
import { createMemoryDiscoveryCache } from './cache.js';
import { createDiscovery, type Discovery } from './discovery.js';
import { DEVELOPMENT_EGRESS } from './egress.js';

let server: TestServer;
let key1: GeneratedKeyPair;
let key2: GeneratedKeyPair;
let clock: number;
let discovery: Discovery;
const now = () => clock;

const AGENT_PATH = '/.well-known/aauth-agent.json';
const PERSON_PATH = '/.well-known/aauth-person.json';
const JWKS_PATH = '/jwks.json';

function issuer(): string {
  return server.origin;
}

function serveAgentMetadata(extra: Record<string, unknown> = {}, headers?: Record<string, string>): void {
  server.routes.set(AGENT_PATH, {
    body: { issuer: issuer(), jwks_uri: `${issuer()}${JWKS_PATH}`, ...extra },
    headers,
  });
}

function serveJwks(keys: unknown[], headers?: Record<string, string>): void {
  server.routes.set(JWKS_PATH, { body: { keys }, headers });
}

beforeAll(async () => {
  server = await startTestServer();
  key1 = await generateKeyPair({ kid: 'k1' });
  key2 = await generateKeyPair({ kid: 'k2', alg: 'ES256' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  clock = 1_900_000_000;
  discovery = createDiscovery({ egress: DEVELOPMENT_EGRESS, now });
  serveAgentMetadata();
  serveJwks([key1.publicJwk]);
});
afterEach(() => {
  server.routes.clear();
  server.hits.clear();
});

describe('createDiscovery: metadata', () => {
  it('fetches {issuer}/.well-known/{dwk} and validates the REQUIRED members', async () => {
    server.routes.set(PERSON_PATH, {
      body: {
        issuer: issuer(),
        jwks_uri: `${issuer()}${JWKS_PATH}`,
        auth_token_endpoint: `${issuer()}/token`,
        person_token_endpoint: `${issuer()}/person`,
        extension_member: 1,
      },
    });
    const metadata = await discovery.getMetadata(issuer(), DWK.person);
    expect(metadata.person_token_endpoint).toBe(`${issuer()}/person`);
    expect(metadata.extension_member).toBe(1);
  });

  it('rejects person metadata missing person_token_endpoint (pre-final-11 token_endpoint only)', async () => {
    server.routes.set(PERSON_PATH, {
      body: { issuer: issuer(), jwks_uri: `${issuer()}${JWKS_PATH}`, token_endpoint: `${issuer()}/token` },
    });
    await expect(discovery.getMetadata(issuer(), DWK.person)).rejects.toThrow(/auth_token_endpoint/);
  });

  it('answers issuer_missing when the document has no issuer', async () => {
    server.routes.set(AGENT_PATH, { body: { jwks_uri: `${issuer()}${JWKS_PATH}` } });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toMatchObject({
      constructor: DiscoveryError,
      signatureError: 'issuer_missing',
    });
  });

  it('answers issuer_mismatch when issuer is not byte-equal (trailing slash)', async () => {
    serveAgentMetadata({ issuer: `${issuer()}/` });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toMatchObject({
      signatureError: 'issuer_mismatch',
    });
  });

  it('refuses an issuer that is not a server identifier before fetching', async () => {
    await expect(discovery.getKey(`${issuer()}/path`, DWK.agent, 'k1')).rejects.toMatchObject({
      signatureError: 'invalid_key',
    });
    expect(server.hits.size).toBe(0);
  });

  it('refuses a dwk that is not one of the four AAuth documents', async () => {
    await expect(discovery.getKey(issuer(), 'openid-configuration' as never, 'k1')).rejects.toBeInstanceOf(
      DiscoveryError,
    );
  });

  it('refuses localhost issuers under the strict profile', async () => {
    const strict = createDiscovery({ now });
    await expect(strict.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(DiscoveryError);
    expect(server.hits.size).toBe(0);
  });

  it('refuses a jwks_uri pointing at a private address', async () => {
    serveAgentMetadata({ jwks_uri: 'https://10.0.0.1/jwks.json' });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(EgressDeniedError);
    serveAgentMetadata({ jwks_uri: 'https://169.254.169.254/latest/meta-data' });
    await expect(
      createDiscovery({ egress: DEVELOPMENT_EGRESS, now }).getKey(issuer(), DWK.agent, 'k1'),
    ).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('refuses a non-https jwks_uri to a non-loopback host', async () => {
    serveAgentMetadata({ jwks_uri: 'http://keys.example/jwks.json' });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(DiscoveryError);
  });
});

describe('createDiscovery: keys', () => {
  it('returns the key selected by kid, imported and ready to verify', async () => {
    const key = await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(key.alg).toBe('Ed25519');
    expect(key.jwk.x).toBe(key1.publicJwk.x);
    const data = new Uint8Array([1, 2, 3]);
    const signature = await key1.signer.sign(data);
    expect(await key.verify(data, signature)).toBe(true);
  });

  it('does not fail on unusable keys that are not selected', async () => {
    serveJwks([
      { kty: 'OKP', crv: 'Ed25519', x: key1.publicJwk.x, kid: 'no-alg' },
      { ...key1.publicJwk, kid: 'polymorphic', alg: 'EdDSA' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'symmetric', alg: 'HS256' },
      'not even an object',
      key2.publicJwk,
    ]);
    const key = await discovery.getKey(issuer(), DWK.agent, 'k2');
    expect(key.alg).toBe('ES256');
  });

  it('answers unsupported_algorithm when the selected key has no alg, invalid_key for a bad curve', async () => {
    serveJwks([
      { kty: 'OKP', crv: 'Ed25519', x: key1.publicJwk.x, kid: 'no-alg' },
      { kty: 'OKP', crv: 'X25519', x: key1.publicJwk.x, kid: 'x25519', alg: 'Ed25519' },
    ]);
    await expect(discovery.getKey(issuer(), DWK.agent, 'no-alg')).rejects.toMatchObject({
      signatureError: 'unsupported_algorithm',
    });
    await expect(discovery.getKey(issuer(), DWK.agent, 'x25519')).rejects.toMatchObject({
      signatureError: 'invalid_key',
    });
  });

  it('returns the published JWKS from getJwks', async () => {
    serveJwks([key1.publicJwk, key2.publicJwk]);
    const jwks = await discovery.getJwks(issuer(), DWK.agent);
    expect(jwks.keys.map((k) => k.kid)).toEqual(['k1', 'k2']);
  });

  it('serves repeated lookups from the cache (server hit once)', async () => {
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    await discovery.getJwks(issuer(), DWK.agent);
    expect(server.hitCount(AGENT_PATH)).toBe(1);
    expect(server.hitCount(JWKS_PATH)).toBe(1);
  });

  it('shares one fetch among concurrent lookups of the same URL', async () => {
    server.routes.set(AGENT_PATH, {
      body: { issuer: issuer(), jwks_uri: `${issuer()}${JWKS_PATH}` },
      delayMs: 50,
    });
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => discovery.getKey(issuer(), DWK.agent, 'k1')),
    );
    expect(new Set(keys).size).toBe(1);
    expect(server.hitCount(AGENT_PATH)).toBe(1);
    expect(server.hitCount(JWKS_PATH)).toBe(1);
  });

  it('works with an injected cache (shared between discovery instances)', async () => {
    const cache = createMemoryDiscoveryCache({ maxEntries: 10, now });
    await createDiscovery({ egress: DEVELOPMENT_EGRESS, now, cache }).getKey(issuer(), DWK.agent, 'k1');
    await createDiscovery({ egress: DEVELOPMENT_EGRESS, now, cache }).getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
  });
});

describe('createDiscovery: Cache-Control', () => {
  it('honours max-age', async () => {
    serveJwks([key1.publicJwk], { 'cache-control': 'max-age=300' });
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    clock += 299;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    clock += 2;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(2);
  });

  it('raises max-age below 60 s to 60 s', async () => {
    serveJwks([key1.publicJwk], { 'cache-control': 'max-age=0' });
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    clock += 59;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    clock += 2;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(2);
  });

  it('caps max-age at 24 h', async () => {
    serveJwks([key1.publicJwk], { 'cache-control': 'max-age=31536000' });
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    clock += 24 * 3600 - 1;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    clock += 2;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(2);
  });

  it('keeps a document without Cache-Control for 1 h', async () => {
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    clock += 3599;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    clock += 2;
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(2);
  });

  it('never stores a no-store response', async () => {
    serveJwks([key1.publicJwk], { 'cache-control': 'no-store' });
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(2);
    expect(server.hitCount(AGENT_PATH)).toBe(1);
  });
});

describe('createDiscovery: unknown kid and failures', () => {
  it('answers unknown_key and refetches the JWKS at most once a minute per issuer', async () => {
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    // Right after a fetch: no refetch for an unknown kid.
    await expect(discovery.getKey(issuer(), DWK.agent, 'rotated')).rejects.toMatchObject({
      signatureError: 'unknown_key',
    });
    expect(server.hitCount(JWKS_PATH)).toBe(1);
    clock += 61;
    await expect(discovery.getKey(issuer(), DWK.agent, 'rotated')).rejects.toMatchObject({
      signatureError: 'unknown_key',
    });
    expect(server.hitCount(JWKS_PATH)).toBe(2);
    clock += 30;
    await expect(discovery.getKey(issuer(), DWK.agent, 'rotated')).rejects.toMatchObject({
      signatureError: 'unknown_key',
    });
    expect(server.hitCount(JWKS_PATH)).toBe(2);
    clock += 31;
    serveJwks([key1.publicJwk, { ...key2.publicJwk, kid: 'rotated' }]);
    const rotated = await discovery.getKey(issuer(), DWK.agent, 'rotated');
    expect(rotated.alg).toBe('ES256');
    expect(server.hitCount(JWKS_PATH)).toBe(3);
  });

  it('uses the stale document when a refetch fails, for at most 24 h', async () => {
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    server.routes.set(JWKS_PATH, { status: 503, body: {} });
    server.routes.set(AGENT_PATH, { status: 503, body: {} });
    clock += 2 * 3600;
    const stale = await discovery.getKey(issuer(), DWK.agent, 'k1');
    expect(stale.jwk.x).toBe(key1.publicJwk.x);
    clock += 23 * 3600;
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('fails with the fetch error when nothing is cached', async () => {
    server.routes.set(JWKS_PATH, { status: 500, body: {} });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('times out a slow issuer', async () => {
    server.routes.set(AGENT_PATH, { body: {}, delayMs: 3000 });
    const slow = createDiscovery({ egress: DEVELOPMENT_EGRESS, now, timeoutMs: 150 });
    const started = Date.now();
    await expect(slow.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops waiting when the caller aborts', async () => {
    server.routes.set(AGENT_PATH, { body: {}, delayMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      discovery.getKey(issuer(), DWK.agent, 'k1', { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('refuses an oversized JWKS', async () => {
    const small = createDiscovery({ egress: DEVELOPMENT_EGRESS, now, maxBytes: 512 });
    serveJwks(Array.from({ length: 20 }, (_, i) => ({ ...key1.publicJwk, kid: `k${i}` })));
    await expect(small.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(EgressDeniedError);
  });

  it('refuses a metadata redirect to another host', async () => {
    server.routes.set(AGENT_PATH, {
      status: 301,
      headers: { location: `http://localhost:${server.port}${AGENT_PATH}` },
      body: '',
    });
    await expect(discovery.getKey(issuer(), DWK.agent, 'k1')).rejects.toBeInstanceOf(EgressDeniedError);
    expect(server.hitCount(AGENT_PATH)).toBe(1);
  });
});

describe('createDiscovery: robustness', () => {
  it('answers concurrent unknown-kid lookups from the one rate-limited refetch', async () => {
    await discovery.getKey(issuer(), DWK.agent, 'k1');
    clock += 61;
    serveJwks([key1.publicJwk, { ...key2.publicJwk, kid: 'new' }]);
    server.routes.set(JWKS_PATH, {
      body: { keys: [key1.publicJwk, { ...key2.publicJwk, kid: 'new' }] },
      delayMs: 50,
    });
    const keys = await Promise.all([1, 2, 3].map(() => discovery.getKey(issuer(), DWK.agent, 'new')));
    expect(keys.every((k) => k.alg === 'ES256')).toBe(true);
    expect(server.hitCount(JWKS_PATH)).toBe(2);
  });

  it('keeps working when the injected cache store fails', async () => {
    const broken = {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: async () => undefined,
    };
    const d = createDiscovery({ egress: DEVELOPMENT_EGRESS, now, cache: broken });
    const key = await d.getKey(issuer(), DWK.agent, 'k1');
    expect(key.jwk.x).toBe(key1.publicJwk.x);
  });
});
