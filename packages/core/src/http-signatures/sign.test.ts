import { parseDictionary } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { AAuthError, InvalidArgumentError } from '../errors.js';
import { createAsyncSigner } from '../keys/index.js';
import { decodeBase64 } from '../util/base64.js';
import {
  AAUTH_POLICY,
  AGENT_TOKEN,
  agentKey,
  agentSigner,
  clock,
  fixedKeyResolver,
  NOW,
  rejection,
  SIGNATURE_KEY,
} from './__fixtures__/signing.js';
import { computeContentDigest } from './content-digest.js';
import { normalizeRequestLike } from './message.js';
import { signMessage, signRequest } from './sign.js';
import { createSignatureBase } from './signature-base.js';
import type { HttpRequestLike, SignatureHeaders, SignOptions } from './types.js';
import { verifyMessageSignature } from './verify.js';

const options: SignOptions = { signer: agentSigner, signatureKey: SIGNATURE_KEY, now: clock() };
const SK_HEADER = `sig=jwt;jwt="${AGENT_TOKEN}"`;

const get: HttpRequestLike = { method: 'GET', url: 'https://resource.example/api/documents', headers: {} };
const getWithQuery: HttpRequestLike = { ...get, url: 'https://resource.example/api/documents?limit=2&x=%20' };
const post: HttpRequestLike = {
  method: 'POST',
  url: 'https://ps.example/token',
  headers: { 'Content-Type': 'application/json' },
  body: '{"resource_token":"x"}',
};

function paramsOf(headers: SignatureHeaders): string {
  return headers['signature-input'].slice('sig='.length);
}

/** Checks the signature against an independently rebuilt base. */
function expectValidSignature(
  message: HttpRequestLike,
  headers: SignatureHeaders,
  components: string[],
): void {
  const withHeaders = { ...message, headers: { ...(message.headers as Record<string, string>), ...headers } };
  const { base, signatureParams } = createSignatureBase(components, { created: NOW }, withHeaders);
  expect(paramsOf(headers)).toBe(signatureParams);
  const signature = decodeBase64(headers.signature.slice('sig=:'.length, -1));
  expect(signature.byteLength).toBe(64);
  expect(agentKey.verify(new TextEncoder().encode(base), signature)).toBe(true);
}

describe('signMessage: covered components (AAuth profile)', () => {
  it('covers @method @authority @path signature-key for a GET', async () => {
    const headers = await signMessage(get, options);
    expect(headers['signature-input']).toBe(
      `sig=("@method" "@authority" "@path" "signature-key");created=${NOW}`,
    );
    expect(headers['signature-key']).toBe(SK_HEADER);
    expect(headers['content-digest']).toBeUndefined();
    expectValidSignature(get, headers, ['@method', '@authority', '@path', 'signature-key']);
  });

  it('adds @query right after @path when the URL has a query', async () => {
    const headers = await signMessage(getWithQuery, options);
    expect(paramsOf(headers)).toBe(
      `("@method" "@authority" "@path" "@query" "signature-key");created=${NOW}`,
    );
    expectValidSignature(getWithQuery, headers, [
      '@method',
      '@authority',
      '@path',
      '@query',
      'signature-key',
    ]);
  });

  it('covers content-type and a computed content-digest after signature-key for a body', async () => {
    const headers = await signMessage(post, options);
    expect(paramsOf(headers)).toBe(
      `("@method" "@authority" "@path" "signature-key" "content-type" "content-digest");created=${NOW}`,
    );
    expect(headers['content-digest']).toBe(computeContentDigest('{"resource_token":"x"}'));
    expectValidSignature(post, headers, [
      '@method',
      '@authority',
      '@path',
      'signature-key',
      'content-type',
      'content-digest',
    ]);
  });

  it('covers authorization when an Authorization header is sent', async () => {
    const message = { ...get, headers: { Authorization: 'AAuth session-abc' } };
    const headers = await signMessage(message, options);
    expect(paramsOf(headers)).toContain('"signature-key" "authorization")');
    expectValidSignature(message, headers, [
      '@method',
      '@authority',
      '@path',
      'signature-key',
      'authorization',
    ]);
  });

  it('appends additional components after the defaults, ignoring repeats of defaults', async () => {
    const message = { ...getWithQuery, headers: { 'x-request-id': '42' } };
    const headers = await signMessage(message, {
      ...options,
      additionalComponents: ['x-request-id', '@query', '@target-uri'],
    });
    expect(paramsOf(headers)).toBe(
      `("@method" "@authority" "@path" "@query" "signature-key" "x-request-id" "@target-uri");created=${NOW}`,
    );
  });

  it('never sends alg or keyid', async () => {
    const params = parseDictionary((await signMessage(post, options))['signature-input']).get('sig');
    expect([...(params?.[1].keys() ?? [])]).toEqual(['created']);
  });
});

describe('signMessage: body handling', () => {
  it('requires Content-Type when there is a body', async () => {
    const error = await rejection(() => signMessage({ ...post, headers: {} }, options));
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps a caller-supplied Content-Digest that matches the body', async () => {
    const digest = computeContentDigest('{"resource_token":"x"}', 'sha-512');
    const message = { ...post, headers: { ...post.headers, 'Content-Digest': digest } };
    const headers = await signMessage(message, options);
    expect(headers['content-digest']).toBe(digest);
  });

  it('refuses a caller-supplied Content-Digest that does not match or does not parse', async () => {
    for (const digest of [computeContentDigest('other'), 'sha-256=:broken']) {
      const message = { ...post, headers: { ...post.headers, 'Content-Digest': digest } };
      expect(await rejection(() => signMessage(message, options))).toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('treats an empty body as no body', async () => {
    const headers = await signMessage({ ...post, headers: {}, body: '' }, options);
    expect(paramsOf(headers)).toBe(`("@method" "@authority" "@path" "signature-key");created=${NOW}`);
  });
});

describe('signMessage: Signature-Key option forms', () => {
  it('accepts a member object, a member value string and a full header string alike', async () => {
    const fromObject = await signMessage(get, options);
    const fromMember = await signMessage(get, { ...options, signatureKey: `jwt;jwt="${AGENT_TOKEN}"` });
    const fromHeader = await signMessage(get, { ...options, signatureKey: SK_HEADER });
    expect(fromMember).toEqual(fromObject);
    expect(fromHeader).toEqual(fromObject);
  });

  it('serializes hwk and jwks_uri members', async () => {
    const hwk = await signMessage(get, {
      ...options,
      signatureKey: { scheme: 'hwk', jwk: agentSigner.publicJwk },
    });
    expect(hwk['signature-key']).toBe(
      `sig=hwk;kty="OKP";crv="Ed25519";x="${agentSigner.publicJwk.x}";alg="Ed25519"`,
    );
    const jwksUri = await signMessage(get, {
      ...options,
      signatureKey: { scheme: 'jwks_uri', id: 'https://ps.example', dwk: 'aauth-person.json', kid: 'k1' },
    });
    expect(jwksUri['signature-key']).toBe(
      'sig=jwks_uri;id="https://ps.example";dwk="aauth-person.json";kid="k1"',
    );
  });

  it('does not serve a stale header after the caller mutates its member object', async () => {
    const member = { scheme: 'jwt' as const, jwt: 'a.b.c' };
    expect((await signMessage(get, { ...options, signatureKey: member }))['signature-key']).toBe(
      'sig=jwt;jwt="a.b.c"',
    );
    member.jwt = 'd.e.f';
    expect((await signMessage(get, { ...options, signatureKey: member }))['signature-key']).toBe(
      'sig=jwt;jwt="d.e.f"',
    );
  });

  it('refuses a full header without a member for the label', async () => {
    const error = await rejection(() =>
      signMessage(get, { ...options, signatureKey: 'other=jwt;jwt="a.b.c"' }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses garbage, empty and non-string values', async () => {
    for (const signatureKey of ['jwt;jwt=', '', '"quoted"', 'jwt;jwt="a.b.c";;']) {
      expect(await rejection(() => signMessage(get, { ...options, signatureKey }))).toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    const notAKey = 42 as unknown as string;
    expect(await rejection(() => signMessage(get, { ...options, signatureKey: notAKey }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('uses a custom label everywhere', async () => {
    const headers = await signMessage(get, { ...options, label: 'agent' });
    expect(headers['signature-input'].startsWith('agent=(')).toBe(true);
    expect(headers.signature.startsWith('agent=:')).toBe(true);
    expect(headers['signature-key']).toBe(`agent=jwt;jwt="${AGENT_TOKEN}"`);
  });

  it('refuses a label that is not a structured-field key', async () => {
    for (const label of ['Sig', '1sig', 'a b', '']) {
      expect(await rejection(() => signMessage(get, { ...options, label }))).toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });
});

describe('signMessage: parameters and signer', () => {
  it('floors a fractional clock and honours an explicit created', async () => {
    const fractional = await signMessage(get, { ...options, now: () => NOW + 0.9 });
    expect(paramsOf(fractional)).toMatch(new RegExp(`;created=${NOW}$`));
    const explicit = await signMessage(get, { ...options, created: 1000 });
    expect(paramsOf(explicit)).toMatch(/;created=1000$/);
  });

  it('defaults created to the wall clock', async () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = await signMessage(get, { signer: agentSigner, signatureKey: SIGNATURE_KEY });
    const created = Number(/created=(\d+)/.exec(headers['signature-input'])?.[1]);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(before + 2);
  });

  it('writes expires from expires or expiresIn', async () => {
    expect(paramsOf(await signMessage(get, { ...options, expiresIn: 30 }))).toMatch(
      new RegExp(`;created=${NOW};expires=${NOW + 30}$`),
    );
    expect(paramsOf(await signMessage(get, { ...options, expires: NOW + 5 }))).toMatch(/;expires=\d+$/);
  });

  it('refuses both expiry options, an expiry not after created, and a broken clock', async () => {
    const bad: Partial<SignOptions>[] = [
      { expires: NOW + 5, expiresIn: 5 },
      { expires: NOW },
      { expiresIn: -1 },
      { now: () => Number.NaN },
    ];
    for (const extra of bad) {
      expect(await rejection(() => signMessage(get, { ...options, ...extra }))).toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('works with an asynchronous signer', async () => {
    const remote = createAsyncSigner({
      alg: 'Ed25519',
      publicJwk: agentSigner.publicJwk,
      sign: async (data) => agentSigner.sign(data),
    });
    expect(await signMessage(get, { ...options, signer: remote })).toEqual(await signMessage(get, options));
  });

  it('reports a failing signer as an AAuthError and refuses an empty signature', async () => {
    const failing = { ...agentSigner, sign: () => Promise.reject(new RangeError('kms down')) };
    const error = await rejection(() => signMessage(get, { ...options, signer: failing }));
    expect(error).toBeInstanceOf(AAuthError);
    expect((error as AAuthError).cause).toBeInstanceOf(RangeError);
    const empty = { ...agentSigner, sign: () => new Uint8Array(0) };
    expect(await rejection(() => signMessage(get, { ...options, signer: empty }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('refuses a missing signer or missing options', async () => {
    const noSigner = { ...options, signer: undefined as unknown as SignOptions['signer'] };
    expect(await rejection(() => signMessage(get, noSigner))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(() => signMessage(get, undefined as unknown as SignOptions))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('refuses an additional component that is absent, duplicated-invalid or unsupported', async () => {
    for (const additionalComponents of [['x-absent'], ['@status'], ['Content-Type']]) {
      expect(await rejection(() => signMessage(get, { ...options, additionalComponents }))).toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('signs @authority from options.authority when given', async () => {
    const headers = await signMessage(
      { ...get, url: 'http://127.0.0.1:8080/api/documents' },
      { ...options, authority: 'resource.example' },
    );
    expect(headers).toEqual(await signMessage(get, options));
  });
});

describe('signRequest', () => {
  it('returns a new Request carrying the signature headers and the same body', async () => {
    const request = new Request('https://ps.example/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resource_token":"x"}',
    });
    const signed = await signRequest(request, options);
    expect(signed).not.toBe(request);
    expect(signed.headers.get('signature-key')).toBe(SK_HEADER);
    expect(signed.headers.get('content-digest')).toBe(computeContentDigest('{"resource_token":"x"}'));
    expect(signed.headers.get('signature-input')).toContain('"content-digest"');
    expect(await signed.text()).toBe('{"resource_token":"x"}');
  });

  it.each([
    ['GET', get],
    ['GET with query', getWithQuery],
    ['POST with body', post],
  ])('signs a WHATWG Request and the equivalent plain object identically (%s)', async (_name, message) => {
    const request = new Request(String(message.url), {
      method: message.method,
      headers: message.headers as Record<string, string>,
      ...(message.body === undefined ? {} : { body: message.body as string }),
    });
    const signed = await signRequest(request, options);
    const expected = await signMessage(message, options);
    for (const [name, value] of Object.entries(expected)) expect(signed.headers.get(name)).toBe(value);
  });

  it('rejects something that is not a Request', async () => {
    const error = await rejection(() => signRequest(get as unknown as Request, options));
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('signature base of the signer', () => {
  it('signs over the Signature-Key it sends, not one already on the request', async () => {
    const message = { ...get, headers: { 'Signature-Key': 'sig=jwt;jwt="stale"' } };
    const headers = await signMessage(message, options);
    const normalized = normalizeRequestLike({ ...get, headers: { ...headers } });
    const { base } = createSignatureBase(
      ['@method', '@authority', '@path', 'signature-key'],
      { created: NOW },
      normalized,
    );
    const signature = decodeBase64(headers.signature.slice(5, -1));
    expect(agentKey.verify(new TextEncoder().encode(base), signature)).toBe(true);
  });
});

describe('signMessage nonce', () => {
  it('gives byte-identical requests signed in the same second distinct signatures with nonce: true', async () => {
    const first = await signMessage(get, { ...options, nonce: true });
    const second = await signMessage(get, { ...options, nonce: true });
    expect(first.signature).not.toBe(second.signature);
    expect(paramsOf(first)).toMatch(/;created=\d+;nonce="[A-Za-z0-9_-]{22}"$/);
    // Without a nonce the same request signs to the same bytes (Ed25519 is deterministic).
    expect((await signMessage(get, options)).signature).toBe((await signMessage(get, options)).signature);
  });

  it('signs a caller-chosen nonce and the verifier accepts it', async () => {
    const headers = await signMessage(get, { ...options, nonce: 'n-1' });
    expect(paramsOf(headers)).toContain(';nonce="n-1"');
    const verified = await verifyMessageSignature(
      { ...get, headers: { ...headers } },
      { policy: AAUTH_POLICY, resolveKey: fixedKeyResolver(), now: clock() },
    );
    expect(verified.components).toEqual(['@method', '@authority', '@path', 'signature-key']);
  });

  it.each(['', 'has"quote', 'back\\slash', 'x'.repeat(257), 'tab\there'])(
    'refuses the nonce %j with InvalidArgumentError',
    async (nonce) => {
      await expect(signMessage(get, { ...options, nonce })).rejects.toBeInstanceOf(InvalidArgumentError);
    },
  );
});
