import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenKind } from '../constants.js';
import { InvalidArgumentError, TokenVerificationError } from '../errors.js';
import { type GeneratedKeyPair, generateKeyPair } from '../keys/index.js';
import { craftJwt, hmacSigner, unsigned } from './__fixtures__/craft.js';
import { type MintClaims, mintToken } from './mint.js';
import { VerifiedTokenCache, type VerifyTokenOptions, verifyToken } from './verify.js';

const T = 1_900_000_000;
const RESOURCE = 'https://resource.example';
const PS = 'https://ps.example';

let issuer: GeneratedKeyPair;
let other: GeneratedKeyPair;
let agent: GeneratedKeyPair;
let agentEs: GeneratedKeyPair;

beforeAll(async () => {
  issuer = await generateKeyPair({ kid: 'issuer-1' });
  other = await generateKeyPair({ kid: 'issuer-1' });
  agent = await generateKeyPair();
  agentEs = await generateKeyPair({ alg: 'ES256' });
});

function claimsFor(kind: TokenKind): MintClaims<TokenKind> {
  const cnf = { jwk: agent.publicJwk };
  switch (kind) {
    case 'agent':
      return { iss: 'https://agent.example', sub: 'aauth:assistant@agent.example', ps: PS, cnf };
    case 'person':
      return { iss: PS, aud: RESOURCE, sub: 'person-1', cnf, mission_s256: 'm' };
    case 'resource':
      return {
        iss: RESOURCE,
        aud: PS,
        ps: PS,
        sub: 'person-1',
        agent_jkt: agent.kid,
        presented_jti: 'pt-1',
        scope: 'data.read',
      };
    case 'auth':
      return { iss: PS, aud: RESOURCE, sub: 'person-1', ps: PS, cnf, scope: 'data.read' };
  }
}

function mint(kind: TokenKind, overrides: Record<string, unknown> = {}): Promise<string> {
  return mintToken(kind, { ...claimsFor(kind), ...overrides } as MintClaims<TokenKind>, {
    signer: issuer.signer,
    kid: issuer.kid,
    now: () => T,
  });
}

function options(accept: TokenKind[], extra: Partial<VerifyTokenOptions> = {}): VerifyTokenOptions {
  return { key: issuer.publicJwk, accept, now: () => T + 10, cache: false, ...extra } as VerifyTokenOptions;
}

const header = (typ: string, alg = 'Ed25519') => ({ alg, kid: 'issuer-1', typ });
const agentPayload = (extra: Record<string, unknown> = {}) => ({
  dwk: 'aauth-agent.json',
  iss: 'https://agent.example',
  sub: 'aauth:assistant@agent.example',
  cnf: { jwk: agent.publicJwk },
  jti: 'a-1',
  iat: T,
  exp: T + 600,
  ...extra,
});

async function expectRejected(jwt: string, opts: VerifyTokenOptions, code: string, claim?: string) {
  const error = await verifyToken(jwt, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenVerificationError);
  expect((error as TokenVerificationError).signatureError).toBe(code);
  if (claim !== undefined) expect((error as TokenVerificationError).claim).toBe(claim);
}

describe('verifyToken round trips', () => {
  it.each(['agent', 'person', 'resource', 'auth'] as const)('verifies a minted %s token', async (kind) => {
    const jwt = await mint(kind);
    const audience = kind === 'agent' ? undefined : kind === 'resource' ? PS : RESOURCE;
    const token = await verifyToken(jwt, options([kind], { audience }));
    expect(token.kind).toBe(kind);
    expect(token.raw).toBe(jwt);
    expect(token.header).toEqual({ alg: 'Ed25519', kid: 'issuer-1', typ: `aa-${kind}+jwt` });
    expect(token.claims.iat).toBe(T);
    if (kind === 'resource') {
      expect(token.cnfJwk).toBeUndefined();
    } else {
      expect(token.cnfThumbprint).toBe(agent.kid);
      expect(token.cnfJwk?.x).toBe(agent.publicJwk.x);
      expect(token.cnfKey?.alg).toBe('Ed25519');
    }
  });

  it('verifies an ES256-signed token with an ES256 cnf key', async () => {
    const jwt = await mintToken(
      'agent',
      { ...(claimsFor('agent') as MintClaims<'agent'>), cnf: { jwk: agentEs.publicJwk } },
      { signer: agentEs.signer, kid: agentEs.kid, now: () => T },
    );
    const token = await verifyToken(jwt, options(['agent'], { key: agentEs.publicJwk }));
    expect(token.header.alg).toBe('ES256');
    expect(token.cnfKey?.alg).toBe('ES256');
  });

  it('accepts a token from any of several accepted kinds', async () => {
    const jwt = await mint('person');
    expect((await verifyToken(jwt, options(['person', 'auth']))).kind).toBe('person');
  });

  it('looks the issuer key up through resolveIssuerKey with iss, dwk and kid', async () => {
    const jwt = await mint('auth');
    const calls: unknown[] = [];
    const token = await verifyToken(jwt, {
      accept: ['auth'],
      now: () => T,
      cache: false,
      resolveIssuerKey: (iss, dwk, kid) => {
        calls.push([iss, dwk, kid]);
        return issuer.publicJwk;
      },
    });
    expect(token.kind).toBe('auth');
    expect(calls).toEqual([[PS, 'aauth-person.json', 'issuer-1']]);
  });

  it('answers unknown_key when resolveIssuerKey has no key', async () => {
    const jwt = await mint('agent');
    await expectRejected(
      jwt,
      { accept: ['agent'], now: () => T, cache: false, resolveIssuerKey: () => undefined },
      'unknown_key',
    );
  });
});

describe('verifyToken header rejections', () => {
  it('rejects alg EdDSA (polymorphic) as invalid_jwt', async () => {
    const jwt = await craftJwt(header('aa-agent+jwt', 'EdDSA'), agentPayload(), issuer.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'alg');
  });

  it('rejects alg none as invalid_jwt', async () => {
    const jwt = await craftJwt(header('aa-agent+jwt', 'none'), agentPayload(), unsigned);
    expect(jwt.endsWith('.')).toBe(true);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'alg');
  });

  it('rejects HS256 keyed with the public key as invalid_jwt', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt', 'HS256'),
      agentPayload(),
      hmacSigner(issuer.publicJwk.x!),
    );
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'alg');
  });

  it('rejects a missing alg', async () => {
    const jwt = await craftJwt({ kid: 'issuer-1', typ: 'aa-agent+jwt' }, agentPayload(), issuer.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'alg');
  });

  it('rejects an alg that does not match the issuer key', async () => {
    const jwt = await craftJwt(header('aa-agent+jwt', 'ES256'), agentPayload(), agentEs.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'alg');
  });

  it('rejects a wrong typ and a typ differing only in case', async () => {
    for (const typ of ['JWT', 'AA-AGENT+JWT', 'aa-agent+JWT', 'at+jwt']) {
      const jwt = await craftJwt(header(typ), agentPayload(), issuer.signer);
      await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'typ');
    }
  });

  it('rejects a person token where an auth token is required', async () => {
    const jwt = await mint('person');
    await expectRejected(jwt, options(['auth'], { audience: RESOURCE }), 'invalid_jwt', 'typ');
  });

  it('rejects crit header parameters', async () => {
    const jwt = await craftJwt({ ...header('aa-agent+jwt'), crit: ['exp'] }, agentPayload(), issuer.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'crit');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', '..', 'e30.e30.', '!!!.e30.AA'])(
    'rejects malformed JWT %j',
    async (jwt) => {
      await expectRejected(jwt, options(['agent']), 'invalid_jwt');
    },
  );

  it('rejects a tampered payload (signature does not verify)', async () => {
    const jwt = await mint('agent');
    const [h, , s] = jwt.split('.');
    const forged = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ sub: 'aauth:evil@agent.example' }),
      unsigned,
    );
    const tampered = `${h}.${forged.split('.')[1]}.${s}`;
    await expectRejected(tampered, options(['agent']), 'invalid_jwt', 'signature');
  });

  it('rejects a token signed by another key under the same kid', async () => {
    const jwt = await mint('agent');
    await expectRejected(jwt, options(['agent'], { key: other.publicJwk }), 'invalid_jwt', 'signature');
  });

  it('requires a non-empty accept list (no fail-open default)', async () => {
    const jwt = await mint('agent');
    await expect(verifyToken(jwt, options([]))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      verifyToken(jwt, { key: issuer.publicJwk } as unknown as VerifyTokenOptions),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('verifyToken claim rejections', () => {
  it('rejects an expired token with zero tolerance (expired_jwt)', async () => {
    const jwt = await mint('agent');
    await expectRejected(jwt, options(['agent'], { now: () => T + 3600 }), 'expired_jwt', 'exp');
    await expect(verifyToken(jwt, options(['agent'], { now: () => T + 3599.999 }))).resolves.toBeDefined();
  });

  it('rejects iat more than maxFutureIat ahead (clock_skew)', async () => {
    const jwt = await mint('agent');
    await expectRejected(jwt, options(['agent'], { now: () => T - 61 }), 'clock_skew', 'iat');
    await expect(verifyToken(jwt, options(['agent'], { now: () => T - 60 }))).resolves.toBeDefined();
    await expectRejected(
      jwt,
      options(['agent'], { now: () => T - 11, maxFutureIat: 10 }),
      'clock_skew',
      'iat',
    );
  });

  it('rejects a missing iat', async () => {
    const { iat: _iat, ...payload } = agentPayload();
    const jwt = await craftJwt(header('aa-agent+jwt'), payload, issuer.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'iat');
  });

  it('rejects person and auth tokens living longer than 1 h', async () => {
    for (const kind of ['person', 'auth'] as const) {
      const payload = {
        ...claimsFor(kind),
        dwk: 'aauth-person.json',
        jti: 'x',
        iat: T,
        exp: T + 3601,
      };
      const jwt = await craftJwt(header(`aa-${kind}+jwt`), payload, issuer.signer);
      await expectRejected(jwt, options([kind]), 'invalid_jwt', 'exp');
    }
  });

  it('does not reject an agent token over the 24 h recommendation (a SHOULD)', async () => {
    const jwt = await craftJwt(header('aa-agent+jwt'), agentPayload({ exp: T + 48 * 3600 }), issuer.signer);
    await expect(verifyToken(jwt, options(['agent']))).resolves.toBeDefined();
  });

  it('rejects a wrong aud, and accepts an aud array containing the audience', async () => {
    const jwt = await mint('auth');
    await expectRejected(jwt, options(['auth'], { audience: 'https://other.example' }), 'invalid_jwt', 'aud');
    const arrayAud = await craftJwt(
      header('aa-auth+jwt'),
      {
        ...claimsFor('auth'),
        aud: ['https://x.example', RESOURCE],
        dwk: 'aauth-person.json',
        jti: 'j',
        iat: T,
        exp: T + 60,
      },
      issuer.signer,
    );
    expect((await verifyToken(arrayAud, options(['auth'], { audience: RESOURCE }))).claims.aud).toEqual([
      'https://x.example',
      RESOURCE,
    ]);
  });

  it('does not hold agent tokens (which have no aud) to the audience of a mixed accept list', async () => {
    const agentJwt = await mint('agent');
    const mixed = options(['agent', 'person', 'auth'], { audience: RESOURCE });
    expect((await verifyToken(agentJwt, mixed)).kind).toBe('agent');
    await expectRejected(
      await mint('auth'),
      options(['agent', 'auth'], { audience: 'https://other.example' }),
      'invalid_jwt',
      'aud',
    );
  });

  it('rejects cnf.jwk without alg as unsupported_algorithm', async () => {
    const { alg: _alg, ...noAlg } = agent.publicJwk;
    const jwt = await craftJwt(header('aa-agent+jwt'), agentPayload({ cnf: { jwk: noAlg } }), issuer.signer);
    await expectRejected(jwt, options(['agent']), 'unsupported_algorithm', 'cnf');
  });

  it('rejects cnf.jwk with alg EdDSA as unsupported_algorithm', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ cnf: { jwk: { ...agent.publicJwk, alg: 'EdDSA' } } }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'unsupported_algorithm', 'cnf');
  });

  it('rejects cnf.jwk whose crv disagrees with alg as invalid_key', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ cnf: { jwk: { ...agent.publicJwk, crv: 'X25519' } } }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'invalid_key', 'cnf');
  });

  it('rejects a missing cnf.jwk', async () => {
    const jwt = await craftJwt(header('aa-agent+jwt'), agentPayload({ cnf: {} }), issuer.signer);
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'cnf');
  });

  it('rejects an iss that is not lowercase', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ iss: 'https://Agent.example' }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'iss');
  });

  it('accepts a localhost iss only under the development profile', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ iss: 'http://localhost:4000' }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'iss');
    const token = await verifyToken(jwt, options(['agent'], { allowLocalhostHttp: true }));
    expect(token.claims.iss).toBe('http://localhost:4000');
  });

  it('rejects an agent token whose sub is not an agent identifier', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ sub: 'assistant@agent.example' }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'sub');
  });

  it('rejects a dwk that does not match the kind, and a dwk other than expectedDwk', async () => {
    const jwt = await craftJwt(
      header('aa-agent+jwt'),
      agentPayload({ dwk: 'aauth-person.json' }),
      issuer.signer,
    );
    await expectRejected(jwt, options(['agent']), 'invalid_jwt', 'dwk');
    const auth = await mint('auth');
    await expectRejected(auth, options(['auth'], { expectedDwk: 'aauth-access.json' }), 'invalid_jwt', 'dwk');
  });

  it('rejects a person token carrying scope or account', async () => {
    for (const extra of [{ scope: 'data.read' }, { account: 'acct-1' }]) {
      const payload = {
        ...claimsFor('person'),
        ...extra,
        dwk: 'aauth-person.json',
        jti: 'p',
        iat: T,
        exp: T + 60,
      };
      const jwt = await craftJwt(header('aa-person+jwt'), payload, issuer.signer);
      await expectRejected(jwt, options(['person']), 'invalid_jwt', Object.keys(extra)[0]);
    }
  });

  it.each(['ps', 'sub', 'agent_jkt', 'presented_jti', 'aud'])(
    'rejects a resource token missing %s',
    async (claim) => {
      const payload: Record<string, unknown> = {
        ...claimsFor('resource'),
        dwk: 'aauth-resource.json',
        jti: 'r',
        iat: T,
        exp: T + 60,
      };
      delete payload[claim];
      const jwt = await craftJwt(header('aa-resource+jwt'), payload, issuer.signer);
      await expectRejected(jwt, options(['resource']), 'invalid_jwt', claim);
    },
  );

  it('rejects an auth token missing ps', async () => {
    const { ps: _ps, ...rest } = claimsFor('auth') as Record<string, unknown>;
    const jwt = await craftJwt(
      header('aa-auth+jwt'),
      { ...rest, dwk: 'aauth-person.json', jti: 'a', iat: T, exp: T + 60 },
      issuer.signer,
    );
    await expectRejected(jwt, options(['auth']), 'invalid_jwt', 'ps');
  });

  it('restricts algorithms when asked', async () => {
    const jwt = await mint('agent');
    await expectRejected(jwt, options(['agent'], { algorithms: ['ES256'] }), 'invalid_jwt', 'alg');
  });
});

describe('verified-token cache', () => {
  it('answers a repeated token from the cache with the same frozen result', async () => {
    const cache = new VerifiedTokenCache(10);
    const jwt = await mint('agent');
    const first = await verifyToken(jwt, options(['agent'], { cache }));
    const second = await verifyToken(jwt, options(['agent'], { cache }));
    expect(second).toBe(first);
    expect(Object.isFrozen(first.claims)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('still applies accept, aud, time and profile checks on a cache hit', async () => {
    const cache = new VerifiedTokenCache(10);
    const jwt = await mint('person');
    await verifyToken(jwt, options(['person'], { cache, audience: RESOURCE }));
    await expectRejected(jwt, options(['auth'], { cache }), 'invalid_jwt', 'typ');
    await expectRejected(
      jwt,
      options(['person'], { cache, audience: 'https://x.example' }),
      'invalid_jwt',
      'aud',
    );
    await expectRejected(jwt, options(['person'], { cache, now: () => T + 3600 }), 'expired_jwt', 'exp');
    await expectRejected(jwt, options(['person'], { cache, now: () => T - 100 }), 'clock_skew', 'iat');
  });

  it('never answers for a different issuer key', async () => {
    const cache = new VerifiedTokenCache(10);
    const jwt = await mint('agent');
    await verifyToken(jwt, options(['agent'], { cache }));
    await expectRejected(
      jwt,
      options(['agent'], { cache, key: other.publicJwk }),
      'invalid_jwt',
      'signature',
    );
  });

  it('does not cache failures and stays bounded', async () => {
    const cache = new VerifiedTokenCache(2);
    const jwts = await Promise.all([1, 2, 3].map((n) => mint('agent', { sub: `aauth:a${n}@agent.example` })));
    for (const jwt of jwts) await verifyToken(jwt, options(['agent'], { cache }));
    expect(cache.size).toBe(2);
    await expectRejected('a.b.c', options(['agent'], { cache }), 'invalid_jwt');
    expect(cache.size).toBe(2);
  });
});
