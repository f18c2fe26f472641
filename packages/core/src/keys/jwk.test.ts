import { describe, expect, it } from 'vitest';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import {
  ED25519_PUBLIC,
  expectError,
  P256_PRIVATE,
  P256_PUBLIC,
  RFC8037_D,
  RFC8037_X,
} from './__fixtures__/test-keys.js';
import { exportPublicJwk, isPublicJwk, parsePrivateJwk, toJwks, validatePublicJwk } from './jwk.js';
import type { PrivateJwk } from './types.js';

const ED_X = RFC8037_X;
const ED_D = RFC8037_D;
const ED = { ...ED25519_PUBLIC };
const EC = { ...P256_PUBLIC };
const EC_D = P256_PRIVATE.d;

describe('validatePublicJwk', () => {
  it('accepts an Ed25519 key and returns a normalized copy', () => {
    const input = { ...ED, kid: 'k1', use: 'sig', extra: 'ignored' };
    const out = validatePublicJwk(input);
    expect(out).toEqual({ kty: 'OKP', crv: 'Ed25519', x: ED_X, alg: 'Ed25519', kid: 'k1' });
    expect(out).not.toBe(input);
  });

  it('accepts a P-256 key with alg ES256', () => {
    expect(validatePublicJwk(EC)).toEqual(EC);
  });

  it.each([
    ['null', null],
    ['a string', 'not a key'],
    ['an array', [ED]],
  ])('rejects %s with InvalidKeyError', (_name, value) => {
    expectError(() => validatePublicJwk(value), InvalidKeyError);
  });

  it('rejects a missing alg with UnsupportedAlgorithmError (alg undefined)', () => {
    const { alg: _alg, ...noAlg } = ED;
    const err = expectError(() => validatePublicJwk(noAlg), UnsupportedAlgorithmError);
    expect((err as UnsupportedAlgorithmError).alg).toBeUndefined();
  });

  it('rejects a non-string alg with UnsupportedAlgorithmError', () => {
    expectError(() => validatePublicJwk({ ...ED, alg: 7 }), UnsupportedAlgorithmError);
  });

  it.each(['none', 'EdDSA', 'HS256', 'HS384', 'HS512', 'HS1'])('rejects prohibited alg %s', (alg) => {
    const err = expectError(() => validatePublicJwk({ ...ED, alg }), UnsupportedAlgorithmError);
    expect((err as UnsupportedAlgorithmError).alg).toBe(alg);
  });

  it('rejects symmetric oct keys with UnsupportedAlgorithmError', () => {
    expectError(
      () => validatePublicJwk({ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }),
      UnsupportedAlgorithmError,
    );
    expectError(
      () => validatePublicJwk({ kty: 'oct', k: 'c2VjcmV0', alg: 'Ed25519' }),
      UnsupportedAlgorithmError,
    );
  });

  it('rejects algorithms this library does not implement', () => {
    expectError(() => validatePublicJwk({ ...ED, alg: 'PS256' }), UnsupportedAlgorithmError);
    expectError(
      () => validatePublicJwk({ ...ED, alg: 'PS256' }, { algorithms: ['PS256'] }),
      UnsupportedAlgorithmError,
    );
  });

  it('rejects an alg outside options.algorithms', () => {
    expectError(() => validatePublicJwk(EC, { algorithms: ['Ed25519'] }), UnsupportedAlgorithmError);
    expect(validatePublicJwk(ED, { algorithms: ['Ed25519'] }).alg).toBe('Ed25519');
  });

  it('rejects crv X25519 with alg Ed25519', () => {
    expectError(() => validatePublicJwk({ ...ED, crv: 'X25519' }), InvalidKeyError);
  });

  it('rejects an EC key labelled Ed25519 and an OKP key labelled ES256', () => {
    expectError(() => validatePublicJwk({ ...EC, alg: 'Ed25519' }), InvalidKeyError);
    expectError(() => validatePublicJwk({ ...ED, alg: 'ES256' }), InvalidKeyError);
  });

  it('rejects a P-384 curve for ES256', () => {
    expectError(() => validatePublicJwk({ ...EC, crv: 'P-384' }), InvalidKeyError);
  });

  it.each([
    ['missing', undefined],
    ['not a string', 42],
    ['too short (31 bytes)', ED_X.slice(0, 42)],
    ['too long', `${ED_X}AA`],
    ['padded', `${ED_X}=`],
    ['standard base64 alphabet', ED_X.replace('_', '/')],
    ['non-canonical trailing bits', `${ED_X.slice(0, 42)}p`],
  ])('rejects x that is %s', (_name, x) => {
    expectError(() => validatePublicJwk({ ...ED, x }), InvalidKeyError);
  });

  it('rejects an EC key without a valid y', () => {
    const { y: _y, ...noY } = EC;
    expectError(() => validatePublicJwk(noY), InvalidKeyError);
    expectError(() => validatePublicJwk({ ...EC, y: 'AAAA' }), InvalidKeyError);
  });

  it('rejects a public JWK carrying the private member d', () => {
    expectError(() => validatePublicJwk({ ...ED, d: ED_D }), InvalidKeyError);
    expectError(() => validatePublicJwk({ ...EC, d: EC_D }), InvalidKeyError);
  });

  it('rejects use other than sig and key_ops without verify', () => {
    expectError(() => validatePublicJwk({ ...ED, use: 'enc' }), InvalidKeyError);
    expectError(() => validatePublicJwk({ ...ED, key_ops: ['encrypt'] }), InvalidKeyError);
    expect(validatePublicJwk({ ...ED, key_ops: ['verify'] }).alg).toBe('Ed25519');
  });

  it('rejects an empty or non-string kid', () => {
    expectError(() => validatePublicJwk({ ...ED, kid: '' }), InvalidKeyError);
    expectError(() => validatePublicJwk({ ...ED, kid: 5 }), InvalidKeyError);
  });
});

describe('isPublicJwk', () => {
  it('is true for an acceptable key and false otherwise', () => {
    expect(isPublicJwk(ED)).toBe(true);
    expect(isPublicJwk({ ...ED, alg: 'EdDSA' })).toBe(false);
    expect(isPublicJwk({ ...ED, d: ED_D })).toBe(false);
    expect(isPublicJwk(undefined)).toBe(false);
  });
});

describe('parsePrivateJwk', () => {
  it('implies alg from kty/crv when the JWK has none (RFC 8037 keys)', () => {
    const parsed = parsePrivateJwk({ kty: 'OKP', crv: 'Ed25519', x: ED_X, d: ED_D });
    expect(parsed.alg).toBe('Ed25519');
    expect(parsed.d).toBe(ED_D);
    expect(parsed.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: ED_X, alg: 'Ed25519' });
  });

  it('keeps kid and lets options.kid override it', () => {
    expect(parsePrivateJwk({ ...EC, d: EC_D, kid: 'own' }).publicJwk.kid).toBe('own');
    expect(parsePrivateJwk({ ...EC, d: EC_D, kid: 'own' }, { kid: 'other' }).publicJwk.kid).toBe('other');
  });

  it('rejects a prohibited alg, an unsupported key type, and an alg mismatch', () => {
    expectError(() => parsePrivateJwk({ ...ED, alg: 'EdDSA', d: ED_D }), UnsupportedAlgorithmError);
    expectError(
      () => parsePrivateJwk({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' }),
      UnsupportedAlgorithmError,
    );
    expectError(() => parsePrivateJwk({ kty: 'oct', k: 'c2VjcmV0' }), UnsupportedAlgorithmError);
    expectError(() => parsePrivateJwk({ ...ED, d: ED_D }, { alg: 'ES256' }), InvalidKeyError);
  });

  it('rejects a missing or malformed d', () => {
    expectError(() => parsePrivateJwk(ED), InvalidKeyError);
    expectError(() => parsePrivateJwk({ ...ED, d: 'short' }), InvalidKeyError);
  });
});

describe('exportPublicJwk', () => {
  it('strips private members and keeps alg, kid and use', () => {
    const priv: PrivateJwk = { ...ED, d: ED_D, kid: 'k', use: 'sig' };
    expect(exportPublicJwk(priv)).toEqual({ ...ED, kid: 'k', use: 'sig' });
    expect(priv.d).toBe(ED_D);
  });

  it('maps key_ops sign to verify', () => {
    const priv = { ...ED, d: ED_D, key_ops: ['sign'] };
    expect(exportPublicJwk(priv).key_ops).toEqual(['verify']);
  });

  it('rejects non-objects and symmetric keys', () => {
    expectError(() => exportPublicJwk(null as unknown as PrivateJwk), InvalidKeyError);
    expectError(
      () => exportPublicJwk({ kty: 'oct', k: 'x', alg: 'HS256' } as unknown as PrivateJwk),
      InvalidKeyError,
    );
  });
});

describe('toJwks', () => {
  it('publishes the public parts of every key', () => {
    const jwks = toJwks({ ...ED, d: ED_D, kid: 'a' }, { ...EC, kid: 'b' });
    expect(jwks).toEqual({
      keys: [
        { ...ED, kid: 'a' },
        { ...EC, kid: 'b' },
      ],
    });
  });

  it('refuses to publish a key without alg', () => {
    const { alg: _alg, ...noAlg } = ED;
    expectError(() => toJwks(noAlg as typeof ED), UnsupportedAlgorithmError);
  });
});
