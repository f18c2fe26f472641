import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  DiscoveryError,
  InvalidArgumentError,
  SignatureVerificationError,
  TokenVerificationError,
} from '../errors.js';
import { generateKeyPair } from '../keys/index.js';
import { encodeBase64 } from '../util/base64.js';
import {
  AAUTH_POLICY,
  agentKey,
  agentSigner,
  clock,
  expectSignatureError,
  fixedKeyResolver,
  hwkResolver,
  NOW,
  rejection,
  SIGNATURE_KEY,
} from './__fixtures__/signing.js';
import { computeContentDigest } from './content-digest.js';
import { signMessage } from './sign.js';
import { createSignatureBase, type SignatureParams } from './signature-base.js';
import type {
  HttpRequestLike,
  SignatureVerificationPolicy,
  SignOptions,
  VerifyMessageOptions,
} from './types.js';
import { verifyMessageSignature } from './verify.js';

type Headers = Record<string, string>;
interface Message extends HttpRequestLike {
  headers: Headers;
}

const signOptions: SignOptions = { signer: agentSigner, signatureKey: SIGNATURE_KEY, now: clock() };
const verifyOptions: VerifyMessageOptions = {
  policy: AAUTH_POLICY,
  resolveKey: fixedKeyResolver(),
  now: clock(),
};

const GET: Message = { method: 'GET', url: 'https://resource.example/api/documents', headers: {} };
const GET_QUERY: Message = { ...GET, url: 'https://resource.example/api/documents?limit=2' };
const POST: Message = {
  method: 'POST',
  url: 'https://ps.example/token',
  headers: { 'content-type': 'application/json' },
  body: '{"resource_token":"x"}',
};

async function signed(message: Message, options: Partial<SignOptions> = {}): Promise<Message> {
  const added = await signMessage(message, { ...signOptions, ...options });
  return { ...message, headers: { ...message.headers, ...(added as unknown as Headers) } };
}

function verify(message: HttpRequestLike | Request, options: Partial<VerifyMessageOptions> = {}) {
  return verifyMessageSignature(message, { ...verifyOptions, ...options });
}

function withHeaders(message: Message, headers: Headers): Message {
  return { ...message, headers: { ...message.headers, ...headers } };
}

/** Signs `components` with `params` by hand (for shapes our signer never produces). */
function handSigned(
  message: Message,
  components: string[],
  params: SignatureParams,
  extraInput = '',
): Message {
  const withKey = withHeaders(message, { 'signature-key': `sig=jwt;jwt="${SIGNATURE_KEY.jwt}"` });
  const { base, signatureParams } = createSignatureBase(components, params, withKey);
  const signature = agentSigner.sign(new TextEncoder().encode(base));
  return withHeaders(withKey, {
    'signature-input': `sig=${signatureParams}${extraInput}`,
    signature: `sig=:${encodeBase64(signature)}:`,
  });
}

describe('round trips', () => {
  it.each([
    ['GET', GET],
    ['GET with query', GET_QUERY],
    ['POST with body', POST],
  ])('verifies what signMessage produced (%s)', async (_name, message) => {
    const result = await verify(await signed(message));
    expect(result.label).toBe('sig');
    expect(result.created).toBe(NOW);
    expect(result.expires).toBeUndefined();
    expect(result.signatureKey).toEqual(SIGNATURE_KEY);
    expect(result.resolved.key).toBe(agentKey);
    expect(result.signature.byteLength).toBe(64);
    expect(result.components.slice(0, 3)).toEqual(['@method', '@authority', '@path']);
  });

  it('verifies a WHATWG Request carrying the signed headers', async () => {
    const message = await signed(POST);
    const request = new Request(String(message.url), {
      method: message.method,
      headers: message.headers,
      body: message.body as string,
    });
    const result = await verify(request);
    expect(result.components).toContain('content-digest');
  });

  it('reports expires and accepts it while in the future', async () => {
    const result = await verify(await signed(GET, { expiresIn: 30 }));
    expect(result.expires).toBe(NOW + 30);
  });

  it('verifies an hwk-signed request with a resolver built from createVerificationKey', async () => {
    const pair = await generateKeyPair();
    const message = await signed(GET, {
      signer: pair.signer,
      signatureKey: { scheme: 'hwk', jwk: pair.publicJwk },
    });
    const result = await verify(message, { policy: { schemes: ['hwk'] }, resolveKey: hwkResolver });
    expect(result.resolved.key.thumbprint).toBe(pair.kid);
  });

  it('verifies an ES256 signature', async () => {
    const pair = await generateKeyPair({ alg: 'ES256' });
    const message = await signed(POST, {
      signer: pair.signer,
      signatureKey: { scheme: 'hwk', jwk: pair.publicJwk },
    });
    const result = await verify(message, { policy: { schemes: ['hwk'] }, resolveKey: hwkResolver });
    expect(result.resolved.key.alg).toBe('ES256');
  });

  it('uses policy.authority instead of the URL host', async () => {
    const message = await signed(GET);
    const internal = { ...message, url: 'http://10.1.2.3:8080/api/documents' };
    await expectSignatureError(() => verify(internal), 'invalid_signature');
    const result = await verify(internal, { policy: { ...AAUTH_POLICY, authority: 'resource.example' } });
    expect(result.created).toBe(NOW);
  });

  it('verifies a custom label when the policy names it', async () => {
    const message = await signed(GET, { label: 'agent' });
    const result = await verify(message, { policy: { ...AAUTH_POLICY, label: 'agent' } });
    expect(result.label).toBe('agent');
  });
});

describe('tampering with a covered component', () => {
  const cases: Array<[string, Message, (m: Message) => Message]> = [
    ['@method', POST, (m) => ({ ...m, method: 'PUT' })],
    ['@authority', GET, (m) => ({ ...m, url: 'https://evil.example/api/documents' })],
    ['@path', GET, (m) => ({ ...m, url: 'https://resource.example/api/admin' })],
    ['@query', GET_QUERY, (m) => ({ ...m, url: 'https://resource.example/api/documents?limit=9999' })],
    ['signature-key', GET, (m) => withHeaders(m, { 'signature-key': 'sig=jwt;jwt="another.token.here"' })],
    ['content-type', POST, (m) => withHeaders(m, { 'content-type': 'text/plain' })],
    ['body (Content-Digest no longer matches)', POST, (m) => ({ ...m, body: '{"resource_token":"y"}' })],
    [
      'content-digest (recomputed for a swapped body)',
      POST,
      (m) => ({
        ...withHeaders(m, { 'content-digest': computeContentDigest('{"resource_token":"y"}') }),
        body: '{"resource_token":"y"}',
      }),
    ],
    [
      'authorization',
      { ...GET, headers: { authorization: 'AAuth a' } },
      (m) => withHeaders(m, { authorization: 'AAuth b' }),
    ],
    [
      'created',
      GET,
      (m) =>
        withHeaders(m, { 'signature-input': m.headers['signature-input']!.replace(/\d+$/, String(NOW - 1)) }),
    ],
  ];

  it.each(cases)('rejects a changed %s with invalid_signature', async (_name, message, tamper) => {
    const original = await signed(message);
    await verify(original);
    await expectSignatureError(() => verify(tamper(original)), 'invalid_signature');
  });

  it('rejects a flipped signature bit', async () => {
    const message = await signed(GET);
    const flipped = message.headers.signature!.replace(
      /^sig=:(.)/,
      (_all, c: string) => `sig=:${c === 'A' ? 'B' : 'A'}`,
    );
    await expectSignatureError(
      () => verify(withHeaders(message, { signature: flipped })),
      'invalid_signature',
    );
  });

  it('rejects a signature made by another key', async () => {
    const other = await generateKeyPair();
    const message = await signed(GET, { signer: other.signer });
    await expectSignatureError(() => verify(message), 'invalid_signature');
  });
});

describe('freshness', () => {
  it('rejects a signature older than the window with invalid_signature', async () => {
    const message = await signed(GET);
    await verify(message, { now: clock(NOW + 60) });
    await expectSignatureError(() => verify(message, { now: clock(NOW + 61) }), 'invalid_signature');
  });

  it('honours a policy window', async () => {
    const message = await signed(GET);
    const policy = { ...AAUTH_POLICY, windowSeconds: 300 };
    await verify(message, { policy, now: clock(NOW + 300) });
    await expectSignatureError(() => verify(message, { policy, now: clock(NOW + 301) }), 'invalid_signature');
  });

  it('rejects a created further ahead than the skew with clock_skew', async () => {
    const message = await signed(GET);
    await verify(message, { now: clock(NOW - 60) });
    await expectSignatureError(() => verify(message, { now: clock(NOW - 61) }), 'clock_skew');
    const tight = { ...AAUTH_POLICY, clockSkewSeconds: 5 };
    await expectSignatureError(() => verify(message, { policy: tight, now: clock(NOW - 6) }), 'clock_skew');
  });

  it('rejects a past expires with invalid_signature', async () => {
    const message = await signed(GET, { expiresIn: 10 });
    await verify(message, { now: clock(NOW + 10) });
    await expectSignatureError(() => verify(message, { now: clock(NOW + 11) }), 'invalid_signature');
  });

  it('requires an Integer created and an Integer expires', async () => {
    const components = ['@method', '@authority', '@path', 'signature-key'];
    const noCreated = handSigned(GET, components, { created: NOW });
    noCreated.headers['signature-input'] = noCreated.headers['signature-input']!.replace(/;created=\d+/, '');
    await expectSignatureError(() => verify(noCreated), 'invalid_signature');
    const decimal = withHeaders(noCreated, {
      'signature-input': `sig=("@method" "@authority" "@path" "signature-key");created=${NOW}.5`,
    });
    await expectSignatureError(() => verify(decimal), 'invalid_signature');
    const stringExpires = handSigned(GET, components, { created: NOW }, ';expires="soon"');
    await expectSignatureError(() => verify(stringExpires), 'invalid_signature');
  });

  it('refuses a policy window or skew that would disable the checks', async () => {
    const message = await signed(GET);
    for (const bad of [
      { windowSeconds: Number.NaN },
      { windowSeconds: -1 },
      { clockSkewSeconds: Number.POSITIVE_INFINITY },
    ]) {
      const policy = { ...AAUTH_POLICY, ...bad };
      expect(await rejection(() => verify(message, { policy }))).toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('uses the wall clock when no clock is given', async () => {
    const message = await signed(GET, { now: () => Date.now() / 1000 });
    const result = await verifyMessageSignature(message, {
      policy: AAUTH_POLICY,
      resolveKey: fixedKeyResolver(),
    });
    expect(Math.abs(result.created - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('required components (invalid_input)', () => {
  const base = ['@method', '@authority', '@path'];

  it('rejects a signature that does not cover signature-key and names what is missing', async () => {
    const message = handSigned(GET, base, { created: NOW });
    const error = await expectSignatureError(() => verify(message), 'invalid_input');
    expect(error.details.requiredInput).toEqual(['signature-key']);
  });

  it('requires @query when the URL has one, unless the policy waives it', async () => {
    const message = handSigned(GET_QUERY, [...base, 'signature-key'], { created: NOW });
    const error = await expectSignatureError(() => verify(message), 'invalid_input');
    expect(error.details.requiredInput).toEqual(['@query']);
    await verify(message, { policy: { ...AAUTH_POLICY, requireQueryWhenPresent: false } });
  });

  it('requires content-type and content-digest with a body, unless the policy waives it', async () => {
    const message = handSigned(POST, [...base, 'signature-key'], { created: NOW });
    const error = await expectSignatureError(() => verify(message), 'invalid_input');
    expect(error.details.requiredInput).toEqual(['content-type', 'content-digest']);
    await verify(message, { policy: { ...AAUTH_POLICY, requireDigestWhenBody: false } });
  });

  it('requires authorization whenever an Authorization header is present', async () => {
    const message = handSigned(
      { ...GET, headers: { authorization: 'AAuth s' } },
      [...base, 'signature-key'],
      {
        created: NOW,
      },
    );
    const error = await expectSignatureError(() => verify(message), 'invalid_input');
    expect(error.details.requiredInput).toEqual(['authorization']);
  });

  it('requires the policy extras', async () => {
    const message = await signed(GET);
    const policy: SignatureVerificationPolicy = {
      ...AAUTH_POLICY,
      requiredComponents: ['@target-uri', 'x-tenant'],
    };
    const error = await expectSignatureError(() => verify(message, { policy }), 'invalid_input');
    expect(error.details.requiredInput).toEqual(['@target-uri', 'x-tenant']);
  });

  it('accepts a signature that covers the extras', async () => {
    const message = await signed(withHeaders(GET, { 'x-tenant': 't1' }), {
      additionalComponents: ['x-tenant'],
    });
    await verify(message, { policy: { ...AAUTH_POLICY, requiredComponents: ['x-tenant'] } });
  });
});

describe('signature parameters and components', () => {
  const components = ['@method', '@authority', '@path', 'signature-key'];

  it('ignores keyid for key selection and ignores alg', async () => {
    const message = handSigned(GET, components, {
      created: NOW,
      keyid: 'some-other-key',
      alg: 'rsa-pss-sha512',
    });
    const result = await verify(message);
    expect(result.resolved.key).toBe(agentKey);
  });

  it('keeps unknown parameters in the signature base', async () => {
    const message = handSigned(GET, components, { created: NOW, nonce: 'abc', tag: 'aauth' });
    await verify(message);
    const dropped = withHeaders(message, {
      'signature-input': message.headers['signature-input']!.replace(';tag="aauth"', ''),
    });
    await expectSignatureError(() => verify(dropped), 'invalid_signature');
  });

  it('rejects duplicate components, parameterized components and unsupported derived components', async () => {
    const signature = (await signed(GET)).headers.signature!;
    const sk = `sig=jwt;jwt="${SIGNATURE_KEY.jwt}"`;
    for (const list of [
      '("@method" "@authority" "@path" "signature-key" "@path")',
      '("@method" "@authority" "@path" "signature-key";sf)',
      '("@method" "@authority" "@path" "signature-key" "@status")',
      '("@method" "@authority" "@path" "signature-key" "Content-Type")',
      '("@method" "@authority" "@path" "signature-key" "x-absent")',
    ]) {
      const message = withHeaders(GET, {
        'signature-input': `sig=${list};created=${NOW}`,
        signature,
        'signature-key': sk,
      });
      await expectSignatureError(() => verify(message), 'invalid_signature');
    }
  });
});

describe('headers and labels', () => {
  it.each(['signature', 'signature-input', 'signature-key'])('rejects a request without %s', async (name) => {
    const message = await signed(GET);
    const { [name]: _removed, ...rest } = message.headers;
    await expectSignatureError(() => verify({ ...message, headers: rest }), 'invalid_signature');
  });

  it('rejects an unsigned request with invalid_signature', async () => {
    await expectSignatureError(() => verify(GET), 'invalid_signature');
  });

  it('rejects a label the policy does not verify', async () => {
    const message = await signed(GET);
    await expectSignatureError(
      () => verify(message, { policy: { ...AAUTH_POLICY, label: 'other' } }),
      'invalid_signature',
    );
  });

  it('rejects a Signature-Key without a member for the label', async () => {
    const message = await signed(GET);
    const other = withHeaders(message, { 'signature-key': `other=jwt;jwt="${SIGNATURE_KEY.jwt}"` });
    await expectSignatureError(() => verify(other), 'invalid_signature');
  });

  it('rejects a Signature without the label and a Signature-Input without the label', async () => {
    const message = await signed(GET);
    const signature = withHeaders(message, { signature: message.headers.signature!.replace(/^sig=/, 'x=') });
    await expectSignatureError(() => verify(signature), 'invalid_signature');
    const input = withHeaders(message, {
      'signature-input': message.headers['signature-input']!.replace(/^sig=/, 'x='),
    });
    await expectSignatureError(() => verify(input), 'invalid_signature');
  });

  const garbage: Array<[string, string]> = [
    ['signature-input', 'sig=("@method" "@authority'],
    ['signature-input', 'sig=:AAAA:'],
    ['signature-input', 'sig=(@method)'],
    ['signature-input', '%%%'],
    ['signature', 'sig=("a")'],
    ['signature', 'sig="not bytes"'],
    ['signature', 'sig=::'],
    ['signature', 'sig=:%%%:'],
    ['signature-key', 'sig=("jwt")'],
    ['signature-key', 'sig=jwt;jwt'],
    ['signature-key', '{}'],
    ['signature-key', 'sig="jwt"'],
  ];
  it.each(garbage)('rejects garbage in %s (%s) with invalid_signature', async (name, value) => {
    const message = await signed(GET);
    await expectSignatureError(() => verify(withHeaders(message, { [name]: value })), 'invalid_signature');
  });

  it('rejects a Signature-Input listing thousands of components without stalling', async () => {
    const message = await signed(GET);
    const list = Array.from({ length: 5000 }, (_, i) => `"x-h${i}"`).join(' ');
    const many = `sig=("@method" "@authority" "@path" "signature-key" ${list});created=${NOW}`;
    const error = await expectSignatureError(
      () => verify(withHeaders(message, { 'signature-input': many })),
      'invalid_signature',
    );
    expect(error.message).toContain('absent');
  });

  it('rejects an over-long header before parsing it', async () => {
    const message = await signed(GET);
    const huge = withHeaders(message, { signature: `sig=:${'A'.repeat(70_000)}:` });
    await expectSignatureError(() => verify(huge), 'invalid_signature');
  });

  it('answers invalid_key for an hwk member with a kid (the codec forbids it)', async () => {
    const message = await signed(GET);
    const jwk = agentSigner.publicJwk;
    const hwk = withHeaders(message, {
      'signature-key': `sig=hwk;kty="OKP";crv="Ed25519";x="${jwk.x}";alg="Ed25519";kid="k"`,
    });
    await expectSignatureError(() => verify(hwk, { policy: { schemes: ['hwk'] } }), 'invalid_key');
  });
});

describe('scheme, key resolution and algorithm', () => {
  it('rejects a scheme outside the policy with unsupported_scheme and the accepted list', async () => {
    const message = await signed(GET);
    const error = await expectSignatureError(
      () => verify(message, { policy: { schemes: ['jwks_uri'] } }),
      'unsupported_scheme',
    );
    expect(error.details.acceptSchemes).toEqual(['jwks_uri']);
  });

  it('answers unsupported_scheme for an unknown scheme', async () => {
    const message = await signed(GET);
    const unknown = withHeaders(message, { 'signature-key': 'sig=x509;x5u="https://e.example/c.pem"' });
    await expectSignatureError(() => verify(unknown), 'unsupported_scheme');
  });

  it('rejects a key algorithm outside the policy with unsupported_algorithm and the accepted list', async () => {
    const message = await signed(GET);
    const error = await expectSignatureError(
      () => verify(message, { policy: { ...AAUTH_POLICY, algorithms: ['ES256'] } }),
      'unsupported_algorithm',
    );
    expect(error.details.acceptAlgs).toEqual(['ES256']);
  });

  it('maps TokenVerificationError and DiscoveryError to their Signature-Error code, keeping the cause', async () => {
    const message = await signed(GET);
    const failures = [
      new TokenVerificationError('expired_jwt', 'token expired', 'exp'),
      new DiscoveryError(
        'issuer_mismatch',
        'issuer differs',
        'https://ps.example/.well-known/aauth-person.json',
      ),
      new TokenVerificationError('revoked_jwt', 'revoked'),
    ];
    for (const failure of failures) {
      const resolveKey = async () => Promise.reject(failure);
      const error = await expectSignatureError(() => verify(message, { resolveKey }), failure.signatureError);
      expect(error.cause).toBe(failure);
    }
  });

  it('passes a SignatureVerificationError from the resolver through unchanged', async () => {
    const message = await signed(GET);
    const failure = new SignatureVerificationError('unknown_key', 'no such kid');
    const error = await rejection(() => verify(message, { resolveKey: () => Promise.reject(failure) }));
    expect(error).toBe(failure);
  });

  it('maps key errors from the resolver: invalid key material and a prohibited algorithm', async () => {
    const message = await signed(GET);
    const badKey = withHeaders(message, {
      'signature-key': 'sig=hwk;kty="OKP";crv="Ed25519";x="short";alg="Ed25519"',
    });
    await expectSignatureError(
      () => verify(badKey, { policy: { schemes: ['hwk'] }, resolveKey: hwkResolver }),
      'invalid_key',
    );
    const eddsa = withHeaders(message, {
      'signature-key': `sig=hwk;kty="OKP";crv="Ed25519";x="${agentSigner.publicJwk.x}";alg="EdDSA"`,
    });
    const error = await expectSignatureError(
      () => verify(eddsa, { policy: { schemes: ['hwk'] }, resolveKey: hwkResolver }),
      'unsupported_algorithm',
    );
    expect(error.details.acceptAlgs).toEqual(['Ed25519', 'ES256']);
  });

  it('hands the resolver the parsed member and the abort signal', async () => {
    const message = await signed(GET);
    const controller = new AbortController();
    let seen: unknown[] = [];
    await verify(message, {
      signal: controller.signal,
      resolveKey: async (member, signal) => {
        seen = [member, signal];
        return { scheme: 'jwt', key: agentKey };
      },
    });
    expect(seen).toEqual([SIGNATURE_KEY, controller.signal]);
  });

  it('stops with AbortedError when the signal has fired', async () => {
    const message = await signed(GET);
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(() => verify(message, { signal: controller.signal }))).toBeInstanceOf(
      AbortedError,
    );
  });

  it('treats a key whose verify throws as an invalid signature', async () => {
    const message = await signed(GET);
    const throwing = {
      ...agentKey,
      verify: () => {
        throw new RangeError('bad length');
      },
    };
    await expectSignatureError(
      () => verify(message, { resolveKey: fixedKeyResolver(throwing) }),
      'invalid_signature',
    );
  });

  it('refuses a resolver result without a verification key and options without a resolver', async () => {
    const message = await signed(GET);
    const empty = async () => ({}) as never;
    expect(await rejection(() => verify(message, { resolveKey: empty }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    const noResolver = { policy: AAUTH_POLICY } as unknown as VerifyMessageOptions;
    expect(await rejection(() => verifyMessageSignature(message, noResolver))).toBeInstanceOf(
      InvalidArgumentError,
    );
    const noSchemes = { ...verifyOptions, policy: {} as SignatureVerificationPolicy };
    expect(await rejection(() => verifyMessageSignature(message, noSchemes))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('content-digest checks', () => {
  it('rejects a covered Content-Digest that is malformed', async () => {
    const message = await signed(POST);
    await expectSignatureError(
      () => verify(withHeaders(message, { 'content-digest': 'sha-256=(1)' })),
      'invalid_signature',
    );
  });

  it('rejects a covered Content-Digest with only unknown algorithms', async () => {
    const message = handSigned(
      withHeaders(POST, { 'content-digest': 'md5=:AAAA:' }),
      ['@method', '@authority', '@path', 'signature-key', 'content-type', 'content-digest'],
      { created: NOW },
    );
    await expectSignatureError(() => verify(message), 'invalid_signature');
  });

  it('checks a covered Content-Digest against an empty body when there is none', async () => {
    const digest = computeContentDigest('');
    const components = ['@method', '@authority', '@path', 'signature-key', 'content-digest'];
    await verify(handSigned(withHeaders(GET, { 'content-digest': digest }), components, { created: NOW }));
    const wrong = computeContentDigest('x');
    await expectSignatureError(
      () => verify(handSigned(withHeaders(GET, { 'content-digest': wrong }), components, { created: NOW })),
      'invalid_signature',
    );
  });
});
