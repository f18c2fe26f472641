import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SupportedAlg } from '../constants.js';
import { InvalidArgumentError, UnsupportedAlgorithmError } from '../errors.js';
import { expectRejection } from './__fixtures__/test-keys.js';
import { generateKeyPair } from './generate.js';
import { validatePublicJwk } from './jwk.js';
import { jwkThumbprint } from './thumbprint.js';
import { createVerificationKey } from './verification-key.js';

describe('generateKeyPair', () => {
  it('defaults to Ed25519 with the thumbprint as kid', async () => {
    const pair = await generateKeyPair();
    expect(pair.alg).toBe('Ed25519');
    expect(pair.kid).toBe(jwkThumbprint(pair.publicJwk));
    expect(pair.publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: pair.publicJwk.x,
      alg: 'Ed25519',
      kid: pair.kid,
    });
  });

  it.each(['Ed25519', 'ES256'] as const)(
    'returns consistent %s forms that carry alg and kid',
    async (alg: SupportedAlg) => {
      const pair = await generateKeyPair({ alg, kid: 'my-key' });
      expect(pair.kid).toBe('my-key');
      expect(pair.privateJwk.alg).toBe(alg);
      expect(pair.privateJwk.kid).toBe('my-key');
      expect(pair.publicJwk.kid).toBe('my-key');
      expect(validatePublicJwk(pair.publicJwk)).toEqual(pair.publicJwk);
      expect(pair.privateJwk).toEqual({ ...pair.publicJwk, d: pair.privateJwk.d });
      expect(pair.jwks).toEqual({ keys: [pair.publicJwk] });
      expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      // The PEMs hold the same key as the JWKs.
      const fromPem = createPublicKey(pair.publicKeyPem).export({ format: 'jwk' });
      expect(fromPem.x).toBe(pair.publicJwk.x);
      expect(createPrivateKey(pair.privateKeyPem).export({ format: 'jwk' }).d).toBe(pair.privateJwk.d);
      expect(pair.signer.publicJwk).toEqual(pair.publicJwk);
      const data = new TextEncoder().encode('x');
      expect(createVerificationKey(pair.publicJwk).verify(data, pair.signer.sign(data))).toBe(true);
    },
  );

  it('generates a different key each time', async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    expect(a.publicJwk.x).not.toBe(b.publicJwk.x);
  });

  it('rejects unsupported algorithms and an empty kid', async () => {
    await expectRejection(generateKeyPair({ alg: 'EdDSA' as SupportedAlg }), UnsupportedAlgorithmError);
    await expectRejection(generateKeyPair({ alg: 'RS256' as SupportedAlg }), UnsupportedAlgorithmError);
    await expectRejection(generateKeyPair({ kid: '' }), InvalidArgumentError);
  });
});
