import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { type GeneratedKeyPair, generateKeyPair } from '../keys/index.js';
import type { Signer } from '../keys/types.js';
import { decodeCompactJws } from './jws.js';
import {
  type MintClaims,
  mintAgentToken,
  mintAuthToken,
  mintPersonToken,
  mintResourceToken,
  mintToken,
  randomJti,
} from './mint.js';
import { verifyToken } from './verify.js';

const T = 1_900_000_000;
let issuer: GeneratedKeyPair;
let agent: GeneratedKeyPair;

beforeAll(async () => {
  issuer = await generateKeyPair({ kid: 'ps-key' });
  agent = await generateKeyPair();
});

const opts = (extra: Record<string, unknown> = {}) => ({
  signer: issuer.signer,
  kid: 'ps-key',
  now: () => T,
  ...extra,
});
const person = (): MintClaims<'person'> => ({
  iss: 'https://ps.example',
  aud: 'https://resource.example',
  sub: 'p-1',
  cnf: { jwk: agent.publicJwk },
});
const agentClaims = (): MintClaims<'agent'> => ({
  iss: 'https://agent.example',
  sub: 'aauth:assistant@agent.example',
  cnf: { jwk: agent.publicJwk },
});

describe('mintToken', () => {
  it('builds {alg, kid, typ} and fills dwk, exp, iat, jti in a fixed order', async () => {
    const jwt = await mintPersonToken(person(), opts({ jti: 'pt-1' }));
    const { header, payload } = decodeCompactJws(jwt);
    expect(JSON.stringify(header)).toBe('{"alg":"Ed25519","kid":"ps-key","typ":"aa-person+jwt"}');
    expect(Object.keys(payload)).toEqual(['dwk', 'iss', 'aud', 'sub', 'cnf', 'exp', 'iat', 'jti']);
    expect(payload).toMatchObject({ dwk: 'aauth-person.json', iat: T, exp: T + 3600, jti: 'pt-1' });
  });

  it('defaults dwk per kind and lets an auth token say aauth-access.json', async () => {
    const auth = {
      iss: 'https://as.example',
      aud: 'https://r.example',
      sub: 's',
      ps: 'https://ps.example',
      cnf: { jwk: agent.publicJwk },
    };
    expect(decodeCompactJws(await mintAuthToken(auth, opts())).payload.dwk).toBe('aauth-person.json');
    const fromAs = await mintAuthToken({ ...auth, dwk: 'aauth-access.json' }, opts());
    expect(decodeCompactJws(fromAs).payload.dwk).toBe('aauth-access.json');
    expect(decodeCompactJws(await mintAgentToken(agentClaims(), opts())).payload.dwk).toBe(
      'aauth-agent.json',
    );
    const resource = await mintResourceToken(
      {
        iss: 'https://r.example',
        aud: 'https://ps.example',
        ps: 'https://ps.example',
        sub: 's',
        agent_jkt: agent.kid,
        presented_jti: 'pt-1',
      },
      opts(),
    );
    const { payload } = decodeCompactJws(resource);
    expect(payload.dwk).toBe('aauth-resource.json');
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  });

  it('uses a random jti of at least 128 bits', async () => {
    const a = decodeCompactJws(await mintAgentToken(agentClaims(), opts())).payload.jti as string;
    const b = decodeCompactJws(await mintAgentToken(agentClaims(), opts())).payload.jti as string;
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
    expect(randomJti()).toHaveLength(22);
  });

  it('signs through an async signer (KMS/HSM shape)', async () => {
    const kms: Signer = {
      alg: issuer.signer.alg,
      publicJwk: issuer.publicJwk,
      sign: async (data) => issuer.signer.sign(data),
    };
    const jwt = await mintToken('person', person(), { signer: kms, kid: 'ps-key', now: () => T });
    const token = await verifyToken(jwt, {
      key: issuer.publicJwk,
      accept: ['person'],
      now: () => T,
      cache: false,
    });
    expect(token.claims.sub).toBe('p-1');
  });

  it.each([
    ['agent', 24 * 3600 + 1],
    ['person', 3601],
    ['auth', 3601],
    ['resource', 301],
  ] as const)('refuses a %s lifetime of %i s', async (kind, lifetimeSeconds) => {
    const claims = {
      agent: agentClaims(),
      person: person(),
      auth: { ...person(), ps: 'https://ps.example' },
      resource: {
        iss: 'https://r.example',
        aud: 'https://ps.example',
        ps: 'https://ps.example',
        sub: 's',
        agent_jkt: 'j',
        presented_jti: 'p',
      },
    }[kind];
    await expect(mintToken(kind, claims as never, opts({ lifetimeSeconds }))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('accepts the maximum lifetimes', async () => {
    await expect(mintAgentToken(agentClaims(), opts({ lifetimeSeconds: 24 * 3600 }))).resolves.toBeTypeOf(
      'string',
    );
    await expect(mintPersonToken(person(), opts({ lifetimeSeconds: 3600 }))).resolves.toBeTypeOf('string');
  });

  it.each([
    ['scope on a person token', { scope: 'data.read' }, /scope/],
    ['account on a person token', { account: 'a' }, /account/],
    ['cnf.jwk without alg', { cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' } } }, /alg/],
    ['an iss that is not a server identifier', { iss: 'https://PS.example' }, /iss/],
    ['an iss with a path', { iss: 'https://ps.example/' }, /iss/],
    ['an aud array (final -11 aud is one resource)', { aud: ['https://resource.example'] }, /aud/],
    ['a missing sub', { sub: undefined }, /sub/],
    ['a caller-supplied iat', { iat: T }, /iat/],
    ['a wrong dwk', { dwk: 'aauth-agent.json' }, /dwk/],
  ])('refuses %s', async (_name, overrides, message) => {
    await expect(mintPersonToken({ ...person(), ...overrides } as never, opts())).rejects.toThrow(message);
  });

  it('refuses an agent token whose sub is not an agent identifier', async () => {
    await expect(mintAgentToken({ ...agentClaims(), sub: 'assistant' }, opts())).rejects.toThrow(/sub/);
  });

  it('refuses localhost identifiers unless the development profile is on', async () => {
    const local = { ...agentClaims(), iss: 'http://localhost:4000' };
    await expect(mintAgentToken(local, opts())).rejects.toThrow(/development profile/);
    await expect(mintAgentToken(local, opts({ allowLocalhostHttp: true }))).resolves.toBeTypeOf('string');
  });

  it('refuses a missing kid, a bad jti and an unknown kind', async () => {
    await expect(mintAgentToken(agentClaims(), opts({ kid: '' }))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(mintAgentToken(agentClaims(), opts({ jti: '' }))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(mintToken('session' as never, agentClaims() as never, opts())).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
