/**
 * Issue-level proof, through the public API only: `createRequestVerifier` from '@aauth-kit/core'
 * rejects every tampered or non-conforming request with the exact `Signature-Error` code of P11 §2.4.
 * Tokens are really minted, requests really signed (signMessage / signRequest); nothing under test is
 * stubbed. The one injected piece is discovery's transport (DNS answers and fetch) in the egress
 * test, so that a strict-profile discovery can be driven offline.
 */
import {
  type AAuthError,
  computeContentDigest,
  createDiscovery,
  createRequestVerifier,
  createSignatureBase,
  EgressDeniedError,
  encodeBase64,
  encodeBase64Url,
  type GeneratedKeyPair,
  generateKeyPair,
  type HttpRequestLike,
  mintAgentToken,
  mintAuthToken,
  mintPersonToken,
  type RequestVerifierOptions,
  type ResolvedAddress,
  SignatureVerificationError,
  serializeSignatureError,
  signMessage,
  signRequest,
} from '@aauth-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';

const T = 1_900_000_000;
const now = () => T;
const AGENT_SERVER = 'https://agent.example';
const PS = 'https://ps.example';
const RESOURCE = 'https://resource.example';
const AGENT_ID = 'aauth:assistant@agent.example';

let agentServer: GeneratedKeyPair;
let ps: GeneratedKeyPair;
let agent: GeneratedKeyPair;
let otherAgent: GeneratedKeyPair;
let agentToken: string;

beforeAll(async () => {
  agentServer = await generateKeyPair({ kid: 'ap-1' });
  ps = await generateKeyPair({ kid: 'ps-1' });
  agent = await generateKeyPair();
  otherAgent = await generateKeyPair();
  agentToken = await mintAgent();
});

function mintAgent(
  options: { cnfKey?: GeneratedKeyPair; iat?: number; iss?: string; jti?: string } = {},
): Promise<string> {
  const iat = options.iat ?? T;
  return mintAgentToken(
    {
      iss: options.iss ?? AGENT_SERVER,
      sub: AGENT_ID,
      cnf: { jwk: (options.cnfKey ?? agent).publicJwk },
    },
    { signer: agentServer.signer, kid: agentServer.kid, now: () => iat, jti: options.jti },
  );
}

function verifier(extra: Partial<RequestVerifierOptions> = {}) {
  return createRequestVerifier({
    accept: ['agent'],
    issuerKeys: { [AGENT_SERVER]: [agentServer.publicJwk], [PS]: [ps.publicJwk] },
    now,
    ...extra,
  });
}

/** A request with every component class: method, authority, path, query, content-type and a body. */
const POST = {
  method: 'POST',
  url: `${RESOURCE}/api/documents?limit=2`,
  headers: { 'content-type': 'application/json' } as Record<string, string>,
  body: '{"title":"quarterly report"}',
};
const GET = { method: 'GET', url: `${RESOURCE}/api/documents`, headers: {} as Record<string, string> };

type PlainRequest = { method: string; url: string; headers: Record<string, string>; body?: string };

/** Signs `request` with `signer` and a `jwt` Signature-Key; returns the request as it travels. */
async function signed(
  request: PlainRequest,
  options: { jwt?: string; signer?: GeneratedKeyPair; created?: number; label?: string } = {},
): Promise<PlainRequest> {
  const added = await signMessage(request, {
    signer: (options.signer ?? agent).signer,
    signatureKey: { scheme: 'jwt', jwt: options.jwt ?? agentToken },
    now,
    ...(options.created === undefined ? {} : { created: options.created }),
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  return { ...request, headers: { ...request.headers, ...(added as unknown as Record<string, string>) } };
}

async function rejection(
  request: HttpRequestLike | Request,
  options: Partial<RequestVerifierOptions> = {},
): Promise<SignatureVerificationError> {
  const error = await verifier(options)
    .verify(request)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SignatureVerificationError);
  return error as SignatureVerificationError;
}

/** The error and the chain of its causes. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** A compact JWS with any header, signed by `sign` (for algorithms our minting refuses). */
async function handBuiltJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sign: (data: Uint8Array) => Uint8Array | Promise<Uint8Array>,
): Promise<string> {
  const encode = (value: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${encodeBase64Url(await sign(new TextEncoder().encode(input)))}`;
}

describe('the baseline the negative cases depart from', () => {
  it('accepts the untampered signed POST (agent token, all components covered)', async () => {
    const verified = await verifier().verify(await signed(POST));
    expect(verified.components).toEqual([
      '@method',
      '@authority',
      '@path',
      '@query',
      'signature-key',
      'content-type',
      'content-digest',
    ]);
    expect(verified.token?.kind).toBe('agent');
    expect(verified.key.thumbprint).toBe(agent.kid);
  });

  it('accepts a WHATWG Request signed with signRequest', async () => {
    const request = await signRequest(new Request(GET.url), {
      signer: agent.signer,
      signatureKey: { scheme: 'jwt', jwt: agentToken },
      now,
    });
    expect((await verifier().verify(request)).token?.claims.sub).toBe(AGENT_ID);
  });
});

describe('a covered component changed in transit → invalid_signature', () => {
  const tampers: Array<[string, (request: PlainRequest) => PlainRequest | Promise<PlainRequest>]> = [
    ['@method', (r) => ({ ...r, method: 'PUT' })],
    ['@authority', (r) => ({ ...r, url: r.url.replace('resource.example', 'other.example') })],
    ['@path', (r) => ({ ...r, url: r.url.replace('/api/documents', '/api/admin') })],
    ['@query', (r) => ({ ...r, url: r.url.replace('limit=2', 'limit=9999') })],
    [
      'signature-key (another valid token for the same key swapped in)',
      async (r) => ({
        ...r,
        headers: { ...r.headers, 'signature-key': `sig=jwt;jwt="${await mintAgent({ jti: 'swapped' })}"` },
      }),
    ],
    ['content-type', (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } })],
    ['body (content-digest no longer matches)', (r) => ({ ...r, body: '{"title":"forged"}' })],
    [
      'content-digest (body and a recomputed digest swapped together)',
      (r) => ({
        ...r,
        body: '{"title":"forged"}',
        headers: { ...r.headers, 'content-digest': computeContentDigest('{"title":"forged"}') },
      }),
    ],
  ];

  it.each(tampers)('%s', async (_component, tamper) => {
    const error = await rejection(await tamper(await signed(POST)));
    expect(error.signatureError).toBe('invalid_signature');
  });
});

describe('signature parameters and coverage', () => {
  it('rejects a created older than the 60 s window with invalid_signature', async () => {
    const error = await rejection(await signed(GET, { created: T - 61 }));
    expect(error.signatureError).toBe('invalid_signature');
  });

  it('rejects a created further ahead than the window with clock_skew', async () => {
    const error = await rejection(await signed(GET, { created: T + 61 }));
    expect(error.signatureError).toBe('clock_skew');
  });

  it('rejects a signature that does not cover signature-key with invalid_input, required_input=("signature-key")', async () => {
    // A genuine signature over @method @authority @path only: coverage is the sole fault.
    const { base, signatureParams } = createSignatureBase(
      ['@method', '@authority', '@path'],
      { created: T },
      GET,
    );
    const signature = await agent.signer.sign(new TextEncoder().encode(base));
    const error = await rejection({
      ...GET,
      headers: {
        'signature-input': `sig=${signatureParams}`,
        signature: `sig=:${encodeBase64(signature)}:`,
        'signature-key': `sig=jwt;jwt="${agentToken}"`,
      },
    });
    expect(error.signatureError).toBe('invalid_input');
    expect(error.details.requiredInput).toEqual(['signature-key']);
    expect(
      serializeSignatureError({
        error: error.signatureError,
        requiredInput: [...error.details.requiredInput!],
      }),
    ).toBe('error=invalid_input, required_input=("signature-key")');
  });

  it('rejects a signature under another label than the one verified with invalid_signature', async () => {
    const error = await rejection(await signed(GET, { label: 'other' }));
    expect(error.signatureError).toBe('invalid_signature');
  });

  it('rejects hwk where only jwt is accepted with unsupported_scheme, acceptSchemes ["jwt"]', async () => {
    const added = await signMessage(GET, {
      signer: agent.signer,
      signatureKey: { scheme: 'hwk', jwk: agent.publicJwk },
      now,
    });
    const error = await rejection({ ...GET, headers: { ...added } as Record<string, string> });
    expect(error.signatureError).toBe('unsupported_scheme');
    expect(error.details.acceptSchemes).toEqual(['jwt']);
  });
});

describe('the token in Signature-Key', () => {
  it('rejects a token bound to another key (cnf.jwk ≠ the signing key) with invalid_signature', async () => {
    // P11: cnf.jwk must be the request key. The HTTP key is taken from cnf.jwk, so a request signed
    // with any other key fails the RFC 9421 verification (§2.4 step 7).
    const boundElsewhere = await mintAgent({ cnfKey: otherAgent });
    const error = await rejection(await signed(GET, { jwt: boundElsewhere, signer: agent }));
    expect(error.signatureError).toBe('invalid_signature');
    // The same token is accepted from the key it is bound to.
    const good = await verifier().verify(await signed(GET, { jwt: boundElsewhere, signer: otherAgent }));
    expect(good.key.thumbprint).toBe(otherAgent.kid);
  });

  it('rejects a person token where an auth token is required (accept ["auth"]) with invalid_jwt', async () => {
    const personToken = await mintPersonToken(
      { iss: PS, aud: RESOURCE, sub: 'person-1', cnf: { jwk: agent.publicJwk } },
      { signer: ps.signer, kid: ps.kid, now },
    );
    const error = await rejection(await signed(GET, { jwt: personToken }), {
      accept: ['auth'],
      audience: RESOURCE,
    });
    expect(error.signatureError).toBe('invalid_jwt');
  });

  it('rejects an EdDSA-signed token (polymorphic alg) with invalid_jwt', async () => {
    // A real Ed25519 signature by the issuer key: only the header alg is wrong.
    const jwt = await handBuiltJwt(
      { alg: 'EdDSA', kid: agentServer.kid, typ: 'aa-agent+jwt' },
      agentPayload(),
      (data) => agentServer.signer.sign(data),
    );
    const error = await rejection(await signed(GET, { jwt }));
    expect(error.signatureError).toBe('invalid_jwt');
  });

  it('rejects an unsigned alg "none" token with invalid_jwt', async () => {
    const jwt = await handBuiltJwt(
      { alg: 'none', kid: agentServer.kid, typ: 'aa-agent+jwt' },
      agentPayload(),
      () => new Uint8Array(0),
    );
    const error = await rejection(await signed(GET, { jwt }));
    expect(error.signatureError).toBe('invalid_jwt');
  });

  it('rejects an expired token with expired_jwt', async () => {
    const expired = await mintAgent({ iat: T - 7200 }); // 1 h lifetime: exp = T − 3600
    const error = await rejection(await signed(GET, { jwt: expired }));
    expect(error.signatureError).toBe('expired_jwt');
  });

  it('rejects an auth token for another audience with invalid_jwt', async () => {
    const authToken = await mintAuthToken(
      {
        iss: PS,
        aud: 'https://other-resource.example',
        sub: 'person-1',
        ps: PS,
        cnf: { jwk: agent.publicJwk },
      },
      { signer: ps.signer, kid: ps.kid, now },
    );
    const error = await rejection(await signed(GET, { jwt: authToken }), {
      accept: ['auth'],
      audience: RESOURCE,
    });
    expect(error.signatureError).toBe('invalid_jwt');
  });
});

function agentPayload(): Record<string, unknown> {
  return {
    dwk: 'aauth-agent.json',
    iss: AGENT_SERVER,
    sub: AGENT_ID,
    cnf: { jwk: agent.publicJwk },
    jti: 'hand-built',
    iat: T,
    exp: T + 600,
  };
}

describe('issuer key discovery under the strict egress profile', () => {
  /**
   * agent.example is public and serves its metadata; the jwks_uri it names points at a private
   * address. DNS and the HTTP transport are injected (offline), egress admission runs for real.
   */
  function strictDiscovery(jwksUri: string, requested: string[]) {
    const dns: Record<string, ResolvedAddress[]> = {
      'agent.example': [{ address: '93.184.215.14', family: 4 }],
      'keys.agent.example': [{ address: '10.20.30.40', family: 4 }],
    };
    return createDiscovery({
      egress: { profile: 'strict', lookup: async (host) => dns[host] ?? [] },
      fetch: async (input) => {
        const url = String(input);
        requested.push(url);
        if (url === `${AGENT_SERVER}/.well-known/aauth-agent.json`) {
          return Response.json({ issuer: AGENT_SERVER, jwks_uri: jwksUri });
        }
        return new Response('not found', { status: 404 });
      },
      now,
    });
  }

  it.each([
    ['a host name resolving to a private address', 'https://keys.agent.example/jwks.json'],
    ['a private IP literal', 'https://10.0.0.1/jwks.json'],
  ])('refuses a jwks_uri at %s: unknown_key caused by EgressDeniedError', async (_what, jwksUri) => {
    const requested: string[] = [];
    const error = await rejection(await signed(GET), {
      issuerKeys: undefined,
      discovery: strictDiscovery(jwksUri, requested),
      jwtCache: false,
    });
    expect(error.signatureError).toBe('unknown_key');
    const egress = causeChain(error).find((e) => e instanceof EgressDeniedError) as AAuthError | undefined;
    expect(egress).toBeInstanceOf(EgressDeniedError);
    expect(egress?.code).toBe('ERR_EGRESS_DENIED');
    // Refused at admission: the metadata was fetched, the private jwks_uri never was.
    expect(requested).toEqual([`${AGENT_SERVER}/.well-known/aauth-agent.json`]);
  });
});
