import { createHash } from 'node:crypto';
import { serializeDictionary } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { computeContentDigest, verifyContentDigest } from './content-digest.js';

const BODY = '{"hello": "world"}';

function viaStructuredHeaders(alg: 'sha-256' | 'sha-512', body: string): string {
  const hash = createHash(alg === 'sha-256' ? 'sha256' : 'sha512')
    .update(body)
    .digest();
  const bytes = hash.buffer.slice(hash.byteOffset, hash.byteOffset + hash.byteLength);
  return serializeDictionary(new Map([[alg, [bytes, new Map()]]]));
}

describe('computeContentDigest', () => {
  it('defaults to sha-256 and matches the structured-headers serialization byte for byte', () => {
    const value = computeContentDigest(BODY);
    expect(value).toBe(viaStructuredHeaders('sha-256', BODY));
    expect(value).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
  });

  it('computes sha-512 the same way', () => {
    expect(computeContentDigest(BODY, 'sha-512')).toBe(viaStructuredHeaders('sha-512', BODY));
  });

  it('gives the same digest for a string and its UTF-8 bytes', () => {
    expect(computeContentDigest(new TextEncoder().encode('héllo'))).toBe(computeContentDigest('héllo'));
  });

  it('digests an empty body', () => {
    expect(computeContentDigest('')).toBe('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });

  it('rejects an unknown algorithm and a non-byte body', () => {
    expect(() => computeContentDigest(BODY, 'md5' as 'sha-256')).toThrow(InvalidArgumentError);
    expect(() => computeContentDigest(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('verifyContentDigest', () => {
  const sha256 = computeContentDigest(BODY);
  const sha512 = computeContentDigest(BODY, 'sha-512');

  it('accepts a matching sha-256 or sha-512 digest', () => {
    expect(verifyContentDigest(sha256, BODY)).toBe(true);
    expect(verifyContentDigest(sha512, new TextEncoder().encode(BODY))).toBe(true);
  });

  it('rejects a digest of other bytes', () => {
    expect(verifyContentDigest(sha256, `${BODY} `)).toBe(false);
  });

  it('ignores unknown algorithms but needs at least one known', () => {
    expect(verifyContentDigest('', BODY)).toBe(false);
    expect(verifyContentDigest(`md5=:AAAA:, ${sha256}`, BODY)).toBe(true);
    expect(verifyContentDigest('md5=:AAAA:', BODY)).toBe(false);
  });

  it('requires every known algorithm present to match', () => {
    const wrong512 = computeContentDigest('other', 'sha-512');
    expect(verifyContentDigest(`${sha256}, ${sha512}`, BODY)).toBe(true);
    expect(verifyContentDigest(`${sha256}, ${wrong512}`, BODY)).toBe(false);
  });

  it('throws HeaderParseError for a value that is not a Dictionary', () => {
    expect(() => verifyContentDigest('sha-256=:not base64', BODY)).toThrow(HeaderParseError);
    expect(() => verifyContentDigest('(((', BODY)).toThrow(HeaderParseError);
  });

  it('accepts the same digest bytes written in a non-canonical form, as structured-headers reads them', () => {
    // sha-256 is 32 bytes: the last base64 character before "=" carries 2 unused bits, which decoders drop.
    const canonical = sha256.slice('sha-256=:'.length, -1);
    const last = canonical.at(-2) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const withSpareBits = `${canonical.slice(0, -2)}${alphabet[alphabet.indexOf(last) + 1]}=`;
    expect(Buffer.from(withSpareBits, 'base64')).toEqual(Buffer.from(canonical, 'base64'));
    expect(verifyContentDigest(`sha-256=:${withSpareBits}:`, BODY)).toBe(true);
    expect(verifyContentDigest(` ${sha256}`, BODY)).toBe(true);
    expect(verifyContentDigest(`${sha256} `, `${BODY} `)).toBe(false);
  });

  it('reports a malformed header before a body of the wrong type', () => {
    expect(() => verifyContentDigest('sha-256=:AAAA', 42 as unknown as string)).toThrow(HeaderParseError);
    expect(() => verifyContentDigest(sha256, 42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('throws HeaderParseError when a known algorithm is not a Byte Sequence', () => {
    expect(() => verifyContentDigest('sha-256="abc"', BODY)).toThrow(HeaderParseError);
    expect(() => verifyContentDigest('sha-256=(:AAAA:)', BODY)).toThrow(HeaderParseError);
  });
});
