import { describe, expect, it } from 'vitest';
import type { SupportedAlg } from '../constants.js';
import { InvalidArgumentError, InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { ED25519_PUBLIC, expectRejection, P256_PUBLIC } from './__fixtures__/test-keys.js';
import { createVerificationKey } from './verification-key.js';
import { createWebCryptoSigner } from './webcrypto-signer.js';

const data = new TextEncoder().encode('GET /resource');

const GENERATE: Record<SupportedAlg, EcKeyGenParams | Algorithm> = {
  Ed25519: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
};

async function nonExtractablePair(alg: SupportedAlg): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(GENERATE[alg], false, ['sign', 'verify'])) as CryptoKeyPair;
}

describe.each(['Ed25519', 'ES256'] as const)('createWebCryptoSigner (%s)', (alg) => {
  it('signs with a non-extractable private key; the signature verifies', async () => {
    const pair = await nonExtractablePair(alg);
    expect(pair.privateKey.extractable).toBe(false);
    const signer = await createWebCryptoSigner(pair);
    expect(signer.alg).toBe(alg);
    expect(signer.publicJwk.alg).toBe(alg);
    expect(signer.publicJwk.kid).toBeTypeOf('string');
    const signature = await signer.sign(data);
    expect(signature).toBeInstanceOf(Uint8Array);
    expect(signature.length).toBe(64);
    const key = createVerificationKey(signer.publicJwk);
    expect(key.verify(data, signature)).toBe(true);
    expect(key.verify(new TextEncoder().encode('GET /other'), signature)).toBe(false);
  });

  it('accepts the private CryptoKey with its public JWK', async () => {
    const pair = await nonExtractablePair(alg);
    const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const publicJwk = {
      kty: exported.kty!,
      crv: exported.crv!,
      x: exported.x!,
      y: exported.y,
      alg,
      kid: 'wc',
    };
    if (alg === 'Ed25519') delete publicJwk.y;
    const signer = await createWebCryptoSigner(pair.privateKey, publicJwk);
    expect(signer.publicJwk.kid).toBe('wc');
    expect(createVerificationKey(signer.publicJwk).verify(data, await signer.sign(data))).toBe(true);
  });

  it('rejects a public JWK that belongs to another key', async () => {
    const pair = await nonExtractablePair(alg);
    const other = alg === 'ES256' ? P256_PUBLIC : ED25519_PUBLIC;
    await expectRejection(createWebCryptoSigner(pair.privateKey, { ...other }), InvalidKeyError);
  });

  it('rejects a private key alone, without its public JWK', async () => {
    const pair = await nonExtractablePair(alg);
    await expectRejection(createWebCryptoSigner(pair.privateKey), InvalidArgumentError);
  });
});

describe('createWebCryptoSigner rejections', () => {
  it('rejects a public JWK of the other algorithm', async () => {
    const pair = await nonExtractablePair('Ed25519');
    await expectRejection(createWebCryptoSigner(pair.privateKey, { ...P256_PUBLIC }), InvalidKeyError);
  });

  it('rejects a public CryptoKey in place of the private key', async () => {
    const pair = await nonExtractablePair('Ed25519');
    await expectRejection(createWebCryptoSigner(pair.publicKey, { ...ED25519_PUBLIC }), InvalidKeyError);
  });

  it('rejects a private key without the sign usage (an ECDH key)', async () => {
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    await expectRejection(createWebCryptoSigner(ecdh.privateKey, { ...P256_PUBLIC }), InvalidKeyError);
  });

  it('rejects unsupported WebCrypto algorithms', async () => {
    const p384 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    await expectRejection(createWebCryptoSigner(p384), UnsupportedAlgorithmError);
  });

  it('rejects values that are not CryptoKeys', async () => {
    await expectRejection(createWebCryptoSigner({} as CryptoKey), InvalidKeyError);
    await expectRejection(createWebCryptoSigner(null as unknown as CryptoKey), InvalidKeyError);
  });
});
