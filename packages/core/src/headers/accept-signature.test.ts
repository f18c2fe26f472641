import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import {
  parseAcceptSignatureAlg,
  parseAcceptSignatureScheme,
  serializeAcceptSignatureAlg,
  serializeAcceptSignatureScheme,
} from './accept-signature.js';

describe('Accept-Signature-Scheme / Accept-Signature-Alg', () => {
  it('parses Lists of Tokens in order, without duplicates, ignoring parameters', () => {
    expect(parseAcceptSignatureScheme('jwt, jwks_uri;q=1, jwt')).toEqual(['jwt', 'jwks_uri']);
    expect(parseAcceptSignatureAlg('Ed25519,ES256')).toEqual(['Ed25519', 'ES256']);
    expect(parseAcceptSignatureAlg('')).toEqual([]);
  });

  it('refuses members that are not Tokens and malformed Lists, naming the header', () => {
    for (const value of ['"jwt"', '(jwt)', '1', 'jwt,', 'Ed25519 ES256']) {
      try {
        parseAcceptSignatureScheme(value);
        throw new Error(`accepted ${value}`);
      } catch (error) {
        expect(error).toBeInstanceOf(HeaderParseError);
        expect((error as HeaderParseError).header).toBe('accept-signature-scheme');
      }
    }
    expect(() => parseAcceptSignatureAlg('ES256, "x"')).toThrow(HeaderParseError);
  });

  it('serializes canonical Lists of Tokens, case preserved', () => {
    expect(serializeAcceptSignatureAlg(['Ed25519', 'ES256', 'Ed25519'])).toBe('Ed25519, ES256');
    expect(serializeAcceptSignatureScheme(['jwt'])).toBe('jwt');
    expect(parseAcceptSignatureAlg(serializeAcceptSignatureAlg(['ES256', 'Ed25519']))).toEqual([
      'ES256',
      'Ed25519',
    ]);
  });

  it('refuses values that are not Tokens', () => {
    expect(() => serializeAcceptSignatureAlg(['RSA-OAEP 256'])).toThrow(InvalidArgumentError);
    expect(() => serializeAcceptSignatureScheme([''])).toThrow(InvalidArgumentError);
  });
});
