import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidKeyError } from '../errors.js';
import { ED25519_PUBLIC, expectError, P256_PUBLIC } from './__fixtures__/test-keys.js';
import { jwkThumbprint, jwkThumbprintUri, type ThumbprintHash } from './thumbprint.js';
import { portableJwkThumbprint, thumbprintInput } from './thumbprint-input.js';

describe('thumbprintInput', () => {
  it('uses only the required members, in lexicographic order, without whitespace', () => {
    expect(thumbprintInput({ ...P256_PUBLIC, kid: 'k', use: 'sig' })).toBe(
      `{"crv":"P-256","kty":"EC","x":"${P256_PUBLIC.x}","y":"${P256_PUBLIC.y}"}`,
    );
    expect(thumbprintInput({ n: 'nn', kty: 'RSA', e: 'AQAB', alg: 'RS256' })).toBe(
      '{"e":"AQAB","kty":"RSA","n":"nn"}',
    );
  });

  it('rejects unknown key types and missing required members', () => {
    expectError(() => thumbprintInput({ kty: 'XYZ' }), InvalidKeyError);
    expectError(() => thumbprintInput({ kty: 'OKP', crv: 'Ed25519' }), InvalidKeyError);
    expectError(() => thumbprintInput({ kty: 'EC', crv: 'P-256', x: P256_PUBLIC.x, y: 5 }), InvalidKeyError);
    expectError(() => thumbprintInput('{}'), InvalidKeyError);
  });
});

describe('jwkThumbprint', () => {
  it('is the base64url SHA-256 of the thumbprint input', () => {
    const expected = createHash('sha256').update(thumbprintInput(P256_PUBLIC)).digest('base64url');
    expect(jwkThumbprint(P256_PUBLIC)).toBe(expected);
  });

  it('ignores alg, kid and use', () => {
    expect(jwkThumbprint({ ...ED25519_PUBLIC, kid: 'x', use: 'sig' })).toBe(jwkThumbprint(ED25519_PUBLIC));
  });

  it('supports SHA-512 (jkt-s512)', () => {
    const expected = createHash('sha512').update(thumbprintInput(ED25519_PUBLIC)).digest('base64url');
    expect(jwkThumbprint(ED25519_PUBLIC, 'sha-512')).toBe(expected);
  });

  it('rejects other hash names', () => {
    expectError(() => jwkThumbprint(ED25519_PUBLIC, 'sha-1' as ThumbprintHash), InvalidArgumentError);
  });

  it('agrees with the portable implementation', () => {
    expect(portableJwkThumbprint(ED25519_PUBLIC)).toBe(jwkThumbprint(ED25519_PUBLIC));
    expect(portableJwkThumbprint(P256_PUBLIC)).toBe(jwkThumbprint(P256_PUBLIC));
  });
});

describe('jwkThumbprintUri', () => {
  it('formats the RFC 9278 URN', () => {
    expect(jwkThumbprintUri(ED25519_PUBLIC, 'sha-256')).toBe(
      `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(ED25519_PUBLIC)}`,
    );
    expect(jwkThumbprintUri(ED25519_PUBLIC, 'sha-512')).toBe(
      `urn:ietf:params:oauth:jwk-thumbprint:sha-512:${jwkThumbprint(ED25519_PUBLIC, 'sha-512')}`,
    );
  });
});
