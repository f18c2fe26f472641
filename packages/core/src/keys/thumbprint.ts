/** RFC 7638 JWK thumbprints (base64url, no padding) and RFC 9278 thumbprint URIs. */
import { InvalidArgumentError } from '../errors.js';
import { digestBase64Url } from './backend-node.js';
import { thumbprintInput } from './thumbprint-input.js';
import type { PublicJwk } from './types.js';

export type ThumbprintHash = 'sha-256' | 'sha-512';

const NODE_HASH: Readonly<Record<ThumbprintHash, 'sha256' | 'sha512'>> = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
};

function nodeHash(hash: unknown): 'sha256' | 'sha512' {
  if (hash !== 'sha-256' && hash !== 'sha-512') {
    throw new InvalidArgumentError(`unsupported thumbprint hash "${String(hash)}"; use sha-256 or sha-512`);
  }
  return NODE_HASH[hash];
}

/**
 * RFC 7638 thumbprint of `jwk` over its required members only (OKP: crv,kty,x; EC: crv,kty,x,y;
 * RSA: e,kty,n). SHA-256 unless `hash` says `sha-512` (used by `jkt-s512+jwt`).
 */
export function jwkThumbprint(
  jwk: PublicJwk | Record<string, unknown>,
  hash: ThumbprintHash = 'sha-256',
): string {
  return digestBase64Url(nodeHash(hash), thumbprintInput(jwk));
}

/** RFC 9278 URI form: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:<thumbprint>`. */
export function jwkThumbprintUri(
  jwk: PublicJwk | Record<string, unknown>,
  hash: ThumbprintHash = 'sha-256',
): string {
  return `urn:ietf:params:oauth:jwk-thumbprint:${hash}:${jwkThumbprint(jwk, hash)}`;
}
