import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { ED25519_PUBLIC, expectError, expectRejection, P256_PUBLIC } from './__fixtures__/test-keys.js';
import { createAsyncSigner } from './async-signer.js';
import { generateKeyPair } from './generate.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PublicJwk } from './types.js';
import { createVerificationKey } from './verification-key.js';

const data = new TextEncoder().encode('POST /kms');

describe('createAsyncSigner', () => {
  it('wraps an async Ed25519 signing function (a KMS stand-in holding a real key)', async () => {
    const pair = await generateKeyPair();
    const key = createPrivateKey(pair.privateKeyPem);
    const signer = createAsyncSigner({
      alg: 'Ed25519',
      publicJwk: pair.publicJwk,
      sign: async (bytes) => new Uint8Array(nodeSign(null, bytes, key)),
    });
    expect(signer.alg).toBe('Ed25519');
    expect(signer.publicJwk).toEqual(pair.publicJwk);
    const signature = await signer.sign(data);
    expect(createVerificationKey(signer.publicJwk).verify(data, signature)).toBe(true);
  });

  it('accepts ES256 signatures in P1363 form', async () => {
    const pair = await generateKeyPair({ alg: 'ES256' });
    const key = createPrivateKey(pair.privateKeyPem);
    const signer = createAsyncSigner({
      alg: 'ES256',
      publicJwk: pair.publicJwk,
      sign: async (bytes) => new Uint8Array(nodeSign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' })),
    });
    expect(createVerificationKey(pair.publicJwk).verify(data, await signer.sign(data))).toBe(true);
  });

  it('converts DER ES256 signatures (what KMS APIs return) to P1363', async () => {
    const pair = await generateKeyPair({ alg: 'ES256' });
    const key = createPrivateKey(pair.privateKeyPem);
    const signer = createAsyncSigner({
      alg: 'ES256',
      publicJwk: pair.publicJwk,
      sign: async (bytes) => new Uint8Array(nodeSign('sha256', bytes, { key, dsaEncoding: 'der' })),
    });
    for (let i = 0; i < 20; i++) {
      const signature = await signer.sign(data);
      expect(signature.length).toBe(64);
      expect(createVerificationKey(pair.publicJwk).verify(data, signature)).toBe(true);
    }
  });

  it('fills a missing alg from options and defaults kid to the thumbprint', () => {
    const { alg: _alg, ...noAlg } = ED25519_PUBLIC;
    const signer = createAsyncSigner({
      alg: 'Ed25519',
      publicJwk: noAlg as PublicJwk,
      sign: async () => new Uint8Array(64),
    });
    expect(signer.publicJwk).toEqual({ ...ED25519_PUBLIC, kid: jwkThumbprint(ED25519_PUBLIC) });
  });

  it('validates the public JWK and the algorithm', () => {
    const sign = async () => new Uint8Array(64);
    expectError(
      () => createAsyncSigner({ alg: 'Ed25519', publicJwk: { ...P256_PUBLIC }, sign }),
      InvalidKeyError,
    );
    expectError(
      () => createAsyncSigner({ alg: 'EdDSA' as 'Ed25519', publicJwk: { ...ED25519_PUBLIC }, sign }),
      UnsupportedAlgorithmError,
    );
    expectError(
      () => createAsyncSigner({ alg: 'Ed25519', publicJwk: { ...ED25519_PUBLIC, x: 'short' }, sign }),
      InvalidKeyError,
    );
    expectError(
      () =>
        createAsyncSigner({ alg: 'Ed25519', publicJwk: { ...ED25519_PUBLIC, d: 'x' } as PublicJwk, sign }),
      InvalidKeyError,
    );
    expectError(
      () => createAsyncSigner({ alg: 'Ed25519', publicJwk: { ...ED25519_PUBLIC } } as never),
      InvalidArgumentError,
    );
  });

  it('rejects a sign function that returns something other than a signature', async () => {
    const wrongLength = createAsyncSigner({
      alg: 'Ed25519',
      publicJwk: { ...ED25519_PUBLIC },
      sign: async () => new Uint8Array(63),
    });
    await expectRejection(wrongLength.sign(data), InvalidArgumentError);
    const notBytes = createAsyncSigner({
      alg: 'ES256',
      publicJwk: { ...P256_PUBLIC },
      sign: async () => 'signature' as unknown as Uint8Array,
    });
    await expectRejection(notBytes.sign(data), InvalidArgumentError);
    const badDer = createAsyncSigner({
      alg: 'ES256',
      publicJwk: { ...P256_PUBLIC },
      sign: async () => new Uint8Array(70),
    });
    await expectRejection(badDer.sign(data), InvalidArgumentError);
  });
});
