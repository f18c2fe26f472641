import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../discovery/__fixtures__/test-server.js';
import { createDiscovery } from '../discovery/discovery.js';
import { DEVELOPMENT_EGRESS } from '../discovery/egress.js';
import { AbortedError, SignatureVerificationError } from '../errors.js';
import type { ResolvedSignatureKey } from '../http-signatures/types.js';
import { type GeneratedKeyPair, generateKeyPair, jwkThumbprint } from '../keys/index.js';
import { craftJwt } from '../tokens/__fixtures__/craft.js';
import { mintToken } from '../tokens/mint.js';
import { getSignatureKeyMember } from './codec.js';
import { createSignatureKeyResolver, type SignatureKeyResolverOptions } from './resolve.js';
import type { SignatureKey } from './types.js';

const T = 1_900_000_000;
const now = () => T + 5;
let server: TestServer;
let issuerKey: GeneratedKeyPair;
let agent: GeneratedKeyPair;
let enclave: GeneratedKeyPair;

beforeAll(async () => {
  server = await startTestServer();
  issuerKey = await generateKeyPair({ kid: 'ap-1' });
  agent = await generateKeyPair();
  enclave = await generateKeyPair({ alg: 'ES256' });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.routes.clear();
  server.hits.clear();
});

function serveIssuer(metadata: Record<string, unknown> = {}): void {
  server.routes.set('/.well-known/aauth-agent.json', {
    body: { issuer: server.origin, jwks_uri: `${server.origin}/jwks`, ...metadata },
  });
  server.routes.set('/jwks', { body: { keys: [issuerKey.publicJwk] } });
}

function agentToken(lifetimeSeconds = 600): Promise<string> {
  return mintToken(
    'agent',
    { iss: server.origin, sub: 'aauth:bot@agent.example', cnf: { jwk: agent.publicJwk } },
    { signer: issuerKey.signer, kid: 'ap-1', now: () => T, lifetimeSeconds, allowLocalhostHttp: true },
  );
}

function resolver(extra: Partial<SignatureKeyResolverOptions> = {}) {
  return createSignatureKeyResolver({
    accept: ['agent'],
    allowLocalhostHttp: true,
    now,
    jwtCache: false,
    ...extra,
  });
}

async function failure(promise: Promise<ResolvedSignatureKey>): Promise<SignatureVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignatureVerificationError);
  return error as SignatureVerificationError;
}

describe('jwt scheme', () => {
  it('verifies the token through dwk discovery and returns cnf.jwk as the HTTP key', async () => {
    serveIssuer();
    const jwt = await agentToken();
    const resolved = await resolver()({ scheme: 'jwt', jwt });
    expect(resolved.scheme).toBe('jwt');
    expect(resolved.key.thumbprint).toBe(agent.kid);
    expect(resolved.token?.kind).toBe('agent');
    expect(resolved.token?.claims.sub).toBe('aauth:bot@agent.example');
  });

  it('maps issuer_mismatch from discovery to the Signature-Error code', async () => {
    serveIssuer({ issuer: 'https://elsewhere.example' });
    const error = await failure(resolver()({ scheme: 'jwt', jwt: await agentToken() }));
    expect(error.signatureError).toBe('issuer_mismatch');
    expect(error.cause).toBeDefined();
  });

  it('maps an unknown kid to unknown_key', async () => {
    serveIssuer();
    server.routes.set('/jwks', { body: { keys: [{ ...issuerKey.publicJwk, kid: 'other' }] } });
    const error = await failure(resolver()({ scheme: 'jwt', jwt: await agentToken() }));
    expect(error.signatureError).toBe('unknown_key');
  });

  it('maps an expired token to expired_jwt', async () => {
    serveIssuer();
    const jwt = await agentToken(60);
    const error = await failure(resolver({ now: () => T + 60 })({ scheme: 'jwt', jwt }));
    expect(error.signatureError).toBe('expired_jwt');
  });

  it('rejects a token kind outside accept (person token where auth is required)', async () => {
    const person = await mintToken(
      'person',
      { iss: 'https://ps.example', aud: 'https://r.example', sub: 's', cnf: { jwk: agent.publicJwk } },
      { signer: issuerKey.signer, kid: 'ap-1', now: () => T },
    );
    const strict = resolver({ accept: ['auth'], resolveIssuerKey: () => issuerKey.publicJwk });
    expect((await failure(strict({ scheme: 'jwt', jwt: person }))).signatureError).toBe('invalid_jwt');
  });

  it('rejects a token without cnf.jwk (resource token) as invalid_jwt', async () => {
    const resourceToken = await mintToken(
      'resource',
      {
        iss: 'https://r.example',
        aud: 'https://ps.example',
        ps: 'https://ps.example',
        sub: 's',
        agent_jkt: agent.kid,
        presented_jti: 'p',
      },
      { signer: issuerKey.signer, kid: 'ap-1', now: () => T },
    );
    const r = resolver({ accept: ['resource'], resolveIssuerKey: () => issuerKey.publicJwk });
    const error = await failure(r({ scheme: 'jwt', jwt: resourceToken }));
    expect(error.signatureError).toBe('invalid_jwt');
  });

  it('uses an injected discovery', async () => {
    serveIssuer();
    const discovery = createDiscovery({ egress: DEVELOPMENT_EGRESS, now });
    const r = createSignatureKeyResolver({
      accept: ['agent'],
      discovery,
      allowLocalhostHttp: true,
      now,
      jwtCache: false,
    });
    await r({ scheme: 'jwt', jwt: await agentToken() });
    await r({ scheme: 'jwt', jwt: await agentToken() });
    expect(server.hitCount('/jwks')).toBe(1);
  });

  it('keeps the caller abort as AbortedError', async () => {
    server.routes.set('/.well-known/aauth-agent.json', { body: {}, delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      resolver()({ scheme: 'jwt', jwt: await agentToken() }, controller.signal),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('hwk scheme', () => {
  it('resolves an inline key parsed from the header', async () => {
    const { kid: _k, ...jwk } = agent.publicJwk;
    const header = `sig=hwk;kty="OKP";crv="Ed25519";x="${jwk.x}";alg="Ed25519"`;
    const resolved = await resolver()(getSignatureKeyMember(header, 'sig'));
    expect(resolved.scheme).toBe('hwk');
    expect(resolved.key.thumbprint).toBe(agent.kid);
  });

  it('refuses a kid (invalid_key)', async () => {
    const error = await failure(resolver()({ scheme: 'hwk', jwk: agent.publicJwk }));
    expect(error.signatureError).toBe('invalid_key');
  });

  it('refuses a key without alg (unsupported_algorithm, with the accepted algorithms)', async () => {
    const error = await failure(
      resolver()({ scheme: 'hwk', jwk: { kty: 'OKP', crv: 'Ed25519', x: agent.publicJwk.x } as never }),
    );
    expect(error.signatureError).toBe('unsupported_algorithm');
    expect(error.details.acceptAlgs).toEqual(['Ed25519', 'ES256']);
  });

  it('refuses an algorithm outside the configured set', async () => {
    const { kid: _k, ...jwk } = agent.publicJwk;
    const error = await failure(resolver({ algorithms: ['ES256'] })({ scheme: 'hwk', jwk }));
    expect(error.signatureError).toBe('unsupported_algorithm');
  });
});

describe('jwks_uri scheme', () => {
  const member = (extra: Partial<{ id: string; dwk: string; kid: string }> = {}): SignatureKey => ({
    scheme: 'jwks_uri',
    id: server.origin,
    dwk: 'aauth-agent.json',
    kid: 'ap-1',
    ...extra,
  });

  it('resolves the server key and reports the verified identity', async () => {
    serveIssuer();
    const resolved = await resolver()(member());
    expect(resolved.key.thumbprint).toBe(jwkThumbprint(issuerKey.publicJwk));
    expect(resolved.issuer).toEqual({ id: server.origin, dwk: 'aauth-agent.json', kid: 'ap-1' });
  });

  it('answers issuer_missing, issuer_mismatch and unknown_key', async () => {
    server.routes.set('/.well-known/aauth-agent.json', { body: { jwks_uri: `${server.origin}/jwks` } });
    expect((await failure(resolver()(member()))).signatureError).toBe('issuer_missing');
    serveIssuer({ issuer: `${server.origin}/` });
    expect((await failure(resolver()(member()))).signatureError).toBe('issuer_mismatch');
    serveIssuer();
    expect((await failure(resolver()(member({ kid: 'nope' })))).signatureError).toBe('unknown_key');
  });

  it('refuses a dwk that is not an AAuth document', async () => {
    expect((await failure(resolver()(member({ dwk: 'openid-configuration' })))).signatureError).toBe(
      'invalid_key',
    );
  });

  it('reports a refused jwks_uri (private address) as unknown_key with the egress cause', async () => {
    serveIssuer({ jwks_uri: 'https://10.0.0.1/jwks' });
    const error = await failure(resolver()(member()));
    expect(error.signatureError).toBe('unknown_key');
    expect((error.cause as Error).name).toBe('EgressDeniedError');
  });
});

describe('jkt-jwt scheme', () => {
  async function jktJwt(
    options: {
      typ?: string;
      iss?: string;
      exp?: number;
      cnf?: unknown;
      headerJwk?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    const typ = options.typ ?? 'jkt-s256+jwt';
    const { kid: _kid, alg: _alg, ...enclaveJwk } = enclave.publicJwk;
    const hash = typ === 'jkt-s512+jwt' ? 'sha-512' : 'sha-256';
    const thumbprint = jwkThumbprint(enclaveJwk, hash);
    return craftJwt(
      { typ, alg: 'ES256', jwk: options.headerJwk ?? enclaveJwk },
      {
        iss: options.iss ?? `urn:jkt:${hash}:${thumbprint}`,
        iat: T,
        exp: options.exp ?? T + 300,
        cnf: options.cnf ?? { jwk: agent.publicJwk },
      },
      enclave.signer,
    );
  }

  it.each(['jkt-s256+jwt', 'jkt-s512+jwt'])('resolves a %s delegation to its cnf.jwk', async (typ) => {
    const resolved = await resolver()({ scheme: 'jkt-jwt', jwt: await jktJwt({ typ }) });
    expect(resolved.scheme).toBe('jkt-jwt');
    expect(resolved.key.thumbprint).toBe(agent.kid);
    expect(resolved.token?.kind).toBe('jkt');
  });

  it('rejects an iss that is not the header key thumbprint', async () => {
    const jwt = await jktJwt({ iss: `urn:jkt:sha-256:${agent.kid}` });
    expect((await failure(resolver()({ scheme: 'jkt-jwt', jwt }))).signatureError).toBe('invalid_jwt');
  });

  it('rejects a JWT not signed by the header key', async () => {
    const { kid: _kid, ...otherJwk } = (await generateKeyPair({ alg: 'ES256' })).publicJwk;
    const jwt = await jktJwt({ headerJwk: otherJwk, iss: `urn:jkt:sha-256:${jwkThumbprint(otherJwk)}` });
    expect((await failure(resolver()({ scheme: 'jkt-jwt', jwt }))).signatureError).toBe('invalid_jwt');
  });

  it('rejects an expired delegation (expired_jwt) and an unknown typ (invalid_jwt)', async () => {
    const expired = await jktJwt({ exp: T });
    expect((await failure(resolver()({ scheme: 'jkt-jwt', jwt: expired }))).signatureError).toBe(
      'expired_jwt',
    );
    const wrongTyp = await jktJwt({ typ: 'jkt-s384+jwt' });
    expect((await failure(resolver()({ scheme: 'jkt-jwt', jwt: wrongTyp }))).signatureError).toBe(
      'invalid_jwt',
    );
  });

  it('rejects a cnf.jwk without alg as unsupported_algorithm', async () => {
    const jwt = await jktJwt({ cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: agent.publicJwk.x } } });
    expect((await failure(resolver()({ scheme: 'jkt-jwt', jwt }))).signatureError).toBe(
      'unsupported_algorithm',
    );
  });
});

describe('scheme selection', () => {
  it('answers unsupported_scheme for a scheme it does not implement', async () => {
    const error = await failure(resolver()({ scheme: 'x509', params: { x5u: 'https://x' } }));
    expect(error.signatureError).toBe('unsupported_scheme');
    expect(error.details.acceptSchemes).toEqual(['jwt', 'hwk', 'jwks_uri', 'jkt-jwt']);
  });

  it('answers unsupported_scheme for a known scheme the resolver was not configured for', async () => {
    const { kid: _k, ...jwk } = agent.publicJwk;
    const error = await failure(resolver({ schemes: ['jwt'] })({ scheme: 'hwk', jwk }));
    expect(error.signatureError).toBe('unsupported_scheme');
    expect(error.details.acceptSchemes).toEqual(['jwt']);
  });

  it('requires a non-empty accept list', () => {
    expect(() => createSignatureKeyResolver({ accept: [] })).toThrow(/accept/);
  });
});
