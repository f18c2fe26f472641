import { createPrivateKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SupportedAlg } from '../constants.js';
import { InvalidArgumentError, InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import {
  ED25519_PRIVATE,
  ED25519_PUBLIC,
  expectError,
  P256_PRIVATE,
  P256_PUBLIC,
  RFC8037_X,
} from './__fixtures__/test-keys.js';
import { generateKeyPair } from './generate.js';
import { createNodeSigner, importPrivateKey } from './node-signer.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PrivateJwk } from './types.js';
import { createVerificationKey } from './verification-key.js';

const data = new TextEncoder().encode('POST /tools/call');

describe.each(['Ed25519', 'ES256'] as const)('createNodeSigner (%s)', (alg: SupportedAlg) => {
  it('signs synchronously with a 64-byte signature that verifies', async () => {
    const pair = await generateKeyPair({ alg });
    const signer = createNodeSigner(pair.privateJwk);
    const signature = signer.sign(data);
    expect(signature).toBeInstanceOf(Uint8Array);
    expect(signature.length).toBe(64);
    expect(createVerificationKey(signer.publicJwk).verify(data, signature)).toBe(true);
    expect(createVerificationKey(signer.publicJwk).verify(new TextEncoder().encode('other'), signature)).toBe(
      false,
    );
  });

  it('accepts a KeyObject, a PKCS#8 PEM and a private JWK for the same key', async () => {
    const pair = await generateKeyPair({ alg });
    const fromKeyObject = createNodeSigner(createPrivateKey(pair.privateKeyPem));
    const fromPem = createNodeSigner(pair.privateKeyPem);
    const fromJwk = createNodeSigner(pair.privateJwk);
    for (const signer of [fromKeyObject, fromPem, fromJwk]) {
      expect(signer.alg).toBe(alg);
      expect(signer.publicJwk).toEqual(pair.publicJwk);
      expect(createVerificationKey(pair.publicJwk).verify(data, signer.sign(data))).toBe(true);
    }
  });

  it('produces signatures node:crypto verifies directly', async () => {
    const pair = await generateKeyPair({ alg });
    const signature = createNodeSigner(pair.privateKeyPem).sign(data);
    const ok =
      alg === 'ES256'
        ? verify('sha256', data, { key: pair.publicKeyPem, dsaEncoding: 'ieee-p1363' }, signature)
        : verify(null, data, pair.publicKeyPem, signature);
    expect(ok).toBe(true);
  });
});

describe('createNodeSigner key ids', () => {
  it('defaults kid to the RFC 7638 thumbprint', () => {
    const signer = createNodeSigner({ ...ED25519_PRIVATE });
    expect(signer.publicJwk).toEqual({ ...ED25519_PUBLIC, kid: jwkThumbprint(ED25519_PUBLIC) });
  });

  it("keeps the JWK's own kid, and lets options.kid override it", () => {
    expect(createNodeSigner({ ...P256_PRIVATE, kid: 'own' }).publicJwk.kid).toBe('own');
    expect(createNodeSigner({ ...P256_PRIVATE, kid: 'own' }, { kid: 'given' }).publicJwk.kid).toBe('given');
  });

  it('rejects an empty kid', () => {
    expectError(() => createNodeSigner({ ...P256_PRIVATE }, { kid: '' }), InvalidArgumentError);
  });

  it('exposes a frozen public JWK without d', () => {
    const signer = createNodeSigner({ ...ED25519_PRIVATE });
    expect(Object.isFrozen(signer.publicJwk)).toBe(true);
    expect('d' in signer.publicJwk).toBe(false);
    expect(signer.publicJwk.x).toBe(RFC8037_X);
  });
});

describe('createNodeSigner rejections', () => {
  it('rejects a d that does not belong to x', () => {
    const other = { ...ED25519_PRIVATE, x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' };
    expectError(() => createNodeSigner(other), InvalidKeyError);
    const otherEc = { ...P256_PRIVATE, y: P256_PUBLIC.x };
    expectError(() => createNodeSigner(otherEc), InvalidKeyError);
  });

  it('rejects an expected alg the key does not have', () => {
    expectError(() => createNodeSigner({ ...ED25519_PRIVATE }, { alg: 'ES256' }), InvalidKeyError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectError(() => createNodeSigner(ec, { alg: 'Ed25519' }), InvalidKeyError);
  });

  it('rejects public keys, secret keys and unsupported key types', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    expectError(() => createNodeSigner(publicKey), InvalidKeyError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expectError(() => createNodeSigner(rsa), UnsupportedAlgorithmError);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expectError(() => createNodeSigner(p384), UnsupportedAlgorithmError);
    const x25519 = generateKeyPairSync('x25519').privateKey;
    expectError(() => createNodeSigner(x25519), UnsupportedAlgorithmError);
  });

  it('rejects a PEM that is garbage, a public key, or not PEM at all', async () => {
    const pair = await generateKeyPair();
    expectError(
      () => createNodeSigner('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
      InvalidKeyError,
    );
    expectError(() => createNodeSigner(pair.publicKeyPem), InvalidKeyError);
    expectError(() => createNodeSigner('hello'), InvalidKeyError);
  });

  it('rejects values that are not keys, and CryptoKeys', async () => {
    expectError(() => createNodeSigner(42 as unknown as string), InvalidKeyError);
    expectError(() => createNodeSigner(null as unknown as string), InvalidKeyError);
    const { privateKey } = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    expectError(() => createNodeSigner(privateKey as unknown as PrivateJwk), InvalidKeyError);
  });

  it('rejects a private JWK with a prohibited alg', () => {
    expectError(() => createNodeSigner({ ...ED25519_PRIVATE, alg: 'EdDSA' }), UnsupportedAlgorithmError);
  });
});

describe('importPrivateKey', () => {
  it('imports PEM and JWK into a synchronous signer', async () => {
    const pair = await generateKeyPair({ alg: 'ES256', kid: 'es' });
    const fromPem = importPrivateKey(pair.privateKeyPem, { kid: 'es' });
    const fromJwk = importPrivateKey(pair.privateJwk);
    expect(fromPem.publicJwk).toEqual(pair.publicJwk);
    expect(fromJwk.publicJwk).toEqual(pair.publicJwk);
    expect(createVerificationKey(pair.publicJwk).verify(data, fromPem.sign(data))).toBe(true);
  });

  it('rejects a KeyObject (that is createNodeSigner) and bad input', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expectError(() => importPrivateKey(privateKey as unknown as string), InvalidKeyError);
    expectError(() => importPrivateKey({ kty: 'OKP' } as PrivateJwk), UnsupportedAlgorithmError);
  });
});
