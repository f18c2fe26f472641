import { describe, expect, it } from 'vitest';
import type { SupportedAlg } from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { ED25519_PUBLIC, expectError, P256_PUBLIC } from './__fixtures__/test-keys.js';
import { generateKeyPair } from './generate.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PublicJwk } from './types.js';
import {
  clearVerificationKeyCache,
  createVerificationKey,
  VERIFICATION_KEY_CACHE_SIZE,
} from './verification-key.js';

const data = new TextEncoder().encode('signature base');

describe.each(['Ed25519', 'ES256'] as const)('createVerificationKey (%s)', (alg: SupportedAlg) => {
  it('returns jwk, alg, thumbprint and a synchronous verify', async () => {
    const pair = await generateKeyPair({ alg });
    const key = createVerificationKey(pair.publicJwk);
    expect(key.alg).toBe(alg);
    expect(key.jwk).toEqual(pair.publicJwk);
    expect(key.thumbprint).toBe(jwkThumbprint(pair.publicJwk));
    expect(key.verify(data, pair.signer.sign(data))).toBe(true);
  });

  it('returns false, never throws, for bad signatures', async () => {
    const pair = await generateKeyPair({ alg });
    const key = createVerificationKey(pair.publicJwk);
    const good = pair.signer.sign(data);
    const flipped = good.slice();
    flipped[10] = flipped[10]! ^ 1;
    expect(key.verify(data, flipped)).toBe(false);
    expect(key.verify(data, good.subarray(0, 63))).toBe(false);
    expect(key.verify(data, new Uint8Array(0))).toBe(false);
    expect(key.verify(data, new Uint8Array(64))).toBe(false);
    expect(key.verify(data, new Uint8Array(64).fill(0xff))).toBe(false);
    expect(key.verify(new Uint8Array(0), good)).toBe(false);
    const other = await generateKeyPair({ alg });
    expect(key.verify(data, other.signer.sign(data))).toBe(false);
  });
});

describe('createVerificationKey cache', () => {
  it('returns the same frozen object for the same key', () => {
    const first = createVerificationKey({ ...ED25519_PUBLIC });
    const second = createVerificationKey({ ...ED25519_PUBLIC });
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.jwk)).toBe(true);
  });

  it('keeps keys apart by alg-relevant material and kid', () => {
    const plain = createVerificationKey({ ...ED25519_PUBLIC });
    const withKid = createVerificationKey({ ...ED25519_PUBLIC, kid: 'a' });
    expect(withKid).not.toBe(plain);
    expect(withKid.jwk.kid).toBe('a');
    expect(withKid.thumbprint).toBe(plain.thumbprint);
    expect(createVerificationKey({ ...P256_PUBLIC })).not.toBe(plain);
  });

  it('still rejects a cached key presented with a private member or a bad use', () => {
    createVerificationKey({ ...ED25519_PUBLIC });
    expectError(() => createVerificationKey({ ...ED25519_PUBLIC, d: 'x' } as PublicJwk), InvalidKeyError);
    expectError(() => createVerificationKey({ ...ED25519_PUBLIC, dp: 'x' } as PublicJwk), InvalidKeyError);
    expectError(() => createVerificationKey({ ...ED25519_PUBLIC, use: 'enc' }), InvalidKeyError);
  });

  it('does not let a non-string member impersonate a cached key', () => {
    createVerificationKey({ ...ED25519_PUBLIC });
    const sneaky = { ...ED25519_PUBLIC, x: { toString: () => ED25519_PUBLIC.x } } as unknown as PublicJwk;
    expectError(() => createVerificationKey(sneaky), InvalidKeyError);
  });

  it('is bounded: the least recently used key is rebuilt after eviction', async () => {
    clearVerificationKeyCache();
    const first = createVerificationKey({ ...ED25519_PUBLIC });
    const pair = await generateKeyPair();
    for (let i = 0; i < VERIFICATION_KEY_CACHE_SIZE; i++)
      createVerificationKey({ ...pair.publicJwk, kid: `k${i}` });
    const again = createVerificationKey({ ...ED25519_PUBLIC });
    expect(again).not.toBe(first);
    expect(again.jwk).toEqual(first.jwk);
    expect(again.thumbprint).toBe(first.thumbprint);
  });

  it('applies every validatePublicJwk rule', () => {
    const { alg: _alg, ...noAlg } = ED25519_PUBLIC;
    expectError(() => createVerificationKey(noAlg as PublicJwk), UnsupportedAlgorithmError);
    expectError(() => createVerificationKey({ ...ED25519_PUBLIC, alg: 'EdDSA' }), UnsupportedAlgorithmError);
    expectError(() => createVerificationKey({ ...ED25519_PUBLIC, crv: 'X25519' }), InvalidKeyError);
    expectError(() => createVerificationKey(null as unknown as PublicJwk), InvalidKeyError);
  });

  it('rejects an EC public key that is not on the curve', () => {
    // 32-byte x/y that do not satisfy the P-256 equation.
    const offCurve = { ...P256_PUBLIC, y: P256_PUBLIC.x };
    expectError(() => createVerificationKey(offCurve), InvalidKeyError);
  });
});
