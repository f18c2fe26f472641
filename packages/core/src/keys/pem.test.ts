import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SupportedAlg } from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import {
  ED25519_PRIVATE,
  ED25519_PUBLIC,
  expectError,
  P256_PRIVATE,
  P256_PUBLIC,
} from './__fixtures__/test-keys.js';
import { generateKeyPair } from './generate.js';
import { exportPrivateKeyPem, exportPublicKeyPem, privateJwkFromPem, publicJwkFromPem } from './pem.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PrivateJwk, PublicJwk } from './types.js';

describe.each(['Ed25519', 'ES256'] as const)('PEM <-> JWK (%s)', (alg: SupportedAlg) => {
  it('round-trips a private key: JWK -> PKCS#8 PEM -> JWK', async () => {
    const pair = await generateKeyPair({ alg });
    const pem = exportPrivateKeyPem(pair.privateJwk);
    expect(pem).toBe(pair.privateKeyPem);
    expect(privateJwkFromPem(pem)).toEqual(pair.privateJwk);
  });

  it('round-trips a public key: JWK -> SPKI PEM -> JWK', async () => {
    const pair = await generateKeyPair({ alg });
    const pem = exportPublicKeyPem(pair.publicJwk);
    expect(pem).toBe(pair.publicKeyPem);
    expect(publicJwkFromPem(pem)).toEqual(pair.publicJwk);
  });
});

describe('PEM helpers', () => {
  it('export PEMs from RFC keys without alg or kid', () => {
    const { alg: _a, ...edNoAlg } = ED25519_PRIVATE;
    const pem = exportPrivateKeyPem(edNoAlg as PrivateJwk);
    expect(privateJwkFromPem(pem)).toEqual({ ...ED25519_PRIVATE, kid: jwkThumbprint(ED25519_PUBLIC) });
    const { alg: _b, ...ecNoAlg } = P256_PUBLIC;
    expect(publicJwkFromPem(exportPublicKeyPem(ecNoAlg as PublicJwk))).toEqual({
      ...P256_PUBLIC,
      kid: jwkThumbprint(P256_PUBLIC),
    });
  });

  it('exportPublicKeyPem takes the public half of a private JWK', () => {
    expect(exportPublicKeyPem({ ...P256_PRIVATE })).toBe(exportPublicKeyPem({ ...P256_PUBLIC }));
  });

  it('publicJwkFromPem also accepts a private PEM (its public half)', () => {
    const pem = exportPrivateKeyPem({ ...P256_PRIVATE });
    expect(publicJwkFromPem(pem, { kid: 'p' })).toEqual({ ...P256_PUBLIC, kid: 'p' });
  });

  it('honour options.kid and check options.alg', () => {
    const pem = exportPrivateKeyPem({ ...ED25519_PRIVATE });
    expect(privateJwkFromPem(pem, { kid: 'k' }).kid).toBe('k');
    expectError(() => privateJwkFromPem(pem, { alg: 'ES256' }), InvalidKeyError);
    expectError(
      () => publicJwkFromPem(exportPublicKeyPem({ ...ED25519_PUBLIC }), { alg: 'ES256' }),
      InvalidKeyError,
    );
  });

  it('reject malformed PEM, non-strings and unsupported key types', () => {
    expectError(() => privateJwkFromPem('not a pem'), InvalidKeyError);
    expectError(() => privateJwkFromPem(7 as unknown as string), InvalidKeyError);
    expectError(
      () => publicJwkFromPem('-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n'),
      InvalidKeyError,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expectError(() => privateJwkFromPem(rsaPem), UnsupportedAlgorithmError);
  });

  it('reject invalid JWKs', () => {
    expectError(() => exportPrivateKeyPem({ ...ED25519_PUBLIC } as PrivateJwk), InvalidKeyError);
    expectError(() => exportPublicKeyPem({ ...ED25519_PUBLIC, alg: 'EdDSA' }), UnsupportedAlgorithmError);
    expectError(
      () => exportPublicKeyPem({ kty: 'OKP', crv: 'X25519', x: ED25519_PUBLIC.x } as PublicJwk),
      UnsupportedAlgorithmError,
    );
  });
});
