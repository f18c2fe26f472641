/**
 * RFC 7638 thumbprint input: the required members of a JWK in lexicographic order, no whitespace.
 * Backend-free so portable signers can hash it with their own SHA-256.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { InvalidKeyError } from '../errors.js';
import { encodeBase64Url, utf8 } from '../util/base64.js';
import { isRecord } from './jwk.js';

/** Required members per `kty`, already in lexicographic order (RFC 7638 §3.2, RFC 8037 §2). */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['crv', 'kty', 'x'],
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/** The exact UTF-8 JSON text RFC 7638 hashes, for `jwk`. */
export function thumbprintInput(jwk: unknown): string {
  if (!isRecord(jwk) || typeof jwk.kty !== 'string') {
    throw new InvalidKeyError('a JWK must be a JSON object with a "kty"');
  }
  const members = REQUIRED_MEMBERS[jwk.kty];
  if (members === undefined) throw new InvalidKeyError(`no thumbprint is defined for kty "${jwk.kty}"`);
  let json = '{';
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new InvalidKeyError(`JWK member "${name}" is required for a thumbprint`);
    }
    if (json.length > 1) json += ',';
    json += `${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return `${json}}`;
}

/** RFC 7638 SHA-256 thumbprint computed without node:crypto (portable signers use it for a default kid). */
export function portableJwkThumbprint(jwk: unknown): string {
  return encodeBase64Url(sha256(utf8(thumbprintInput(jwk))));
}
