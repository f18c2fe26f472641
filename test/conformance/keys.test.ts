/**
 * Key conformance: RFC 8037 (Ed25519 JWK, thumbprint, JWS signature), RFC 7638 (RSA thumbprint),
 * aauth-go JWK thumbprint vectors, and the RFC 9421 B.1.4 Ed25519 test key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createNobleSigner,
  createNodeSigner,
  createVerificationKey,
  jwkThumbprint,
  type PrivateJwk,
  type PublicJwk,
  privateJwkFromPem,
  publicJwkFromPem,
} from '../../packages/core/src/keys/index.js';
import { thumbprintInput } from '../../packages/core/src/keys/thumbprint-input.js';

function loadVector<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8')) as T;
}

const b64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const utf8 = (text: string) => new TextEncoder().encode(text);

interface Rfc8037Vector {
  rfc8037: {
    private_jwk: Record<string, string>;
    public_jwk: Record<string, string>;
    thumbprint_input: string;
    thumbprint_sha256_b64url: string;
    jws_signing_input: string;
    jws_compact: string;
  };
  rfc7638_rsa_example: { thumbprint_input: string; thumbprint_sha256_b64url: string };
}

interface ThumbprintVector {
  cases: { name: string; jwk: Record<string, unknown>; thumbprint: string }[];
}

interface Rfc9421Vector {
  key: { public_pem: string; private_pem: string; jwk: Record<string, string>; note: string };
  b2_6: { signature_base: string; signature_base64: string };
}

const rfc = loadVector<Rfc8037Vector>('rfc/rfc8037-rfc7638-jwk.json');
const goThumbprints = loadVector<ThumbprintVector>('aauth-go/jwk-thumbprint.json');
const rfc9421 = loadVector<Rfc9421Vector>('rfc/rfc9421-b2.6-ed25519.json');

describe('RFC 8037 Appendix A (Ed25519)', () => {
  const { rfc8037 } = rfc;
  // The RFC JWKs carry no alg; AAuth requires one, so it is added where a key is conveyed.
  const publicJwk = { ...rfc8037.public_jwk, alg: 'Ed25519' } as PublicJwk;
  const privateJwk = rfc8037.private_jwk as unknown as PrivateJwk;

  it('A.3: builds the exact thumbprint input and thumbprint', () => {
    expect(thumbprintInput(rfc8037.public_jwk)).toBe(rfc8037.thumbprint_input);
    expect(jwkThumbprint(rfc8037.public_jwk)).toBe(rfc8037.thumbprint_sha256_b64url);
    expect(jwkThumbprint(privateJwk)).toBe(rfc8037.thumbprint_sha256_b64url);
  });

  it('A.2: the private key derives the public key', () => {
    expect(createNodeSigner(privateJwk).publicJwk.x).toBe(rfc8037.public_jwk.x);
    expect(createNobleSigner(privateJwk).publicJwk.x).toBe(rfc8037.public_jwk.x);
  });

  it('A.4: createNodeSigner and createNobleSigner reproduce the JWS signature byte for byte', () => {
    const expected = b64url(rfc8037.jws_compact.split('.')[2]!);
    const input = utf8(rfc8037.jws_signing_input);
    expect(rfc8037.jws_compact.startsWith(`${rfc8037.jws_signing_input}.`)).toBe(true);
    expect(createNodeSigner(privateJwk).sign(input)).toEqual(expected);
    expect(createNobleSigner(privateJwk).sign(input)).toEqual(expected);
  });

  it('A.4: the signature verifies with the public key, and fails on other input', () => {
    const key = createVerificationKey(publicJwk);
    const signature = b64url(rfc8037.jws_compact.split('.')[2]!);
    expect(key.thumbprint).toBe(rfc8037.thumbprint_sha256_b64url);
    expect(key.verify(utf8(rfc8037.jws_signing_input), signature)).toBe(true);
    expect(key.verify(utf8(`${rfc8037.jws_signing_input}x`), signature)).toBe(false);
  });
});

describe('RFC 7638 §3.1 (RSA thumbprint example)', () => {
  const example = rfc.rfc7638_rsa_example;

  it('hashes the given input to the given thumbprint', () => {
    expect(createHash('sha256').update(example.thumbprint_input).digest('base64url')).toBe(
      example.thumbprint_sha256_b64url,
    );
  });

  it('recomputes the input and the thumbprint from the JWK members', () => {
    const jwk = JSON.parse(example.thumbprint_input) as Record<string, unknown>;
    const shuffled = { n: jwk.n, kid: '2011-04-29', kty: jwk.kty, alg: 'RS256', e: jwk.e };
    expect(thumbprintInput(shuffled)).toBe(example.thumbprint_input);
    expect(jwkThumbprint(shuffled)).toBe(example.thumbprint_sha256_b64url);
  });
});

describe('aauth-go JWK thumbprint vectors', () => {
  it.each(goThumbprints.cases.map((c) => [c.name, c] as const))('%s', (_name, vector) => {
    expect(jwkThumbprint(vector.jwk)).toBe(vector.thumbprint);
  });
});

describe('RFC 9421 B.1.4 test-key-ed25519', () => {
  const { key, b2_6 } = rfc9421;
  const computedThumbprint = /RFC 7638 thumbprint \(computed, not in RFC\): (\S+)/.exec(key.note)?.[1];

  it('PKCS#8 PEM import gives the JWK x and d', () => {
    const jwk = privateJwkFromPem(key.private_pem, { kid: key.jwk.kid });
    expect(jwk).toEqual({ ...key.jwk, alg: 'Ed25519' });
  });

  it('SPKI PEM import gives the JWK x', () => {
    expect(publicJwkFromPem(key.public_pem).x).toBe(key.jwk.x);
  });

  it('has the thumbprint the vector states', () => {
    expect(computedThumbprint).toBeDefined();
    expect(jwkThumbprint(key.jwk)).toBe(computedThumbprint);
    expect(privateJwkFromPem(key.private_pem).kid).toBe(computedThumbprint);
  });

  it('B.2.6: the PEM and JWK signers reproduce the RFC signature over the signature base', () => {
    const expected = b64(b2_6.signature_base64);
    const base = utf8(b2_6.signature_base);
    expect(createNodeSigner(key.private_pem).sign(base)).toEqual(expected);
    expect(createNodeSigner(key.jwk as unknown as PrivateJwk).sign(base)).toEqual(expected);
    expect(createNobleSigner(key.jwk as unknown as PrivateJwk).sign(base)).toEqual(expected);
    const verifier = createVerificationKey(publicJwkFromPem(key.public_pem));
    expect(verifier.verify(base, expected)).toBe(true);
  });
});
