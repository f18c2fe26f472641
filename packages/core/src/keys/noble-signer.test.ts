import { describe, expect, it } from 'vitest';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { ED25519_PRIVATE, ED25519_PUBLIC, expectError, P256_PRIVATE } from './__fixtures__/test-keys.js';
import { generateKeyPair } from './generate.js';
import { createNobleSigner } from './noble-signer.js';
import { createNodeSigner } from './node-signer.js';
import { jwkThumbprint } from './thumbprint.js';
import { createVerificationKey } from './verification-key.js';

describe('createNobleSigner', () => {
  it('produces byte-identical Ed25519 signatures to node:crypto', async () => {
    const pair = await generateKeyPair();
    const noble = createNobleSigner(pair.privateJwk);
    for (const length of [0, 1, 63, 64, 127, 128, 129, 1000]) {
      const data = new Uint8Array(length).map((_, i) => i * 7);
      expect(noble.sign(data)).toEqual(pair.signer.sign(data));
    }
  });

  it('signs what createVerificationKey verifies, with the same public JWK as the node signer', () => {
    const noble = createNobleSigner({ ...ED25519_PRIVATE });
    const data = new TextEncoder().encode('hello');
    expect(noble.alg).toBe('Ed25519');
    expect(noble.publicJwk).toEqual(createNodeSigner({ ...ED25519_PRIVATE }).publicJwk);
    expect(noble.publicJwk.kid).toBe(jwkThumbprint(ED25519_PUBLIC));
    expect(createVerificationKey(noble.publicJwk).verify(data, noble.sign(data))).toBe(true);
  });

  it('honours options.kid', () => {
    expect(createNobleSigner({ ...ED25519_PRIVATE }, { kid: 'n' }).publicJwk.kid).toBe('n');
  });

  it('rejects ES256 keys', () => {
    expectError(() => createNobleSigner({ ...P256_PRIVATE }), UnsupportedAlgorithmError);
  });

  it('rejects a d that does not belong to x, and malformed keys', () => {
    const mismatched = { ...ED25519_PRIVATE, x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' };
    expectError(() => createNobleSigner(mismatched), InvalidKeyError);
    expectError(() => createNobleSigner({ ...ED25519_PRIVATE, d: 'AAAA' }), InvalidKeyError);
    expectError(() => createNobleSigner({ ...ED25519_PRIVATE, crv: 'X25519' }), InvalidKeyError);
  });
});
