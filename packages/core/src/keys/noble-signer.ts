/**
 * Portable Ed25519 signer over @noble/ed25519 (no node:crypto, no WebCrypto): for runtimes without
 * either. noble's synchronous API needs a SHA-512; it takes SHA-512 from @noble/hashes unless the
 * application already configured its own.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { ALG } from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { decodeBase64Url, encodeBase64Url } from '../util/base64.js';
import { isRecord, parsePrivateJwk } from './jwk.js';
import { withKid } from './kid.js';
import type { SignerOptions, SyncSigner } from './signer-types.js';
import { portableJwkThumbprint } from './thumbprint-input.js';
import type { PrivateJwk } from './types.js';

function ensureSha512(): void {
  if (typeof ed.hashes.sha512 !== 'function') ed.hashes.sha512 = sha512;
}

/** Synchronous Ed25519 signer from a private JWK; signatures equal node:crypto's (Ed25519 is deterministic). */
export function createNobleSigner(privateJwk: PrivateJwk, options?: Pick<SignerOptions, 'kid'>): SyncSigner {
  if (isRecord(privateJwk) && privateJwk.kty === 'EC') {
    throw new UnsupportedAlgorithmError('the noble signer supports Ed25519 only', asString(privateJwk.alg));
  }
  const parsed = parsePrivateJwk(privateJwk, { alg: ALG.ed25519 });
  ensureSha512();
  const secretKey = decodeBase64Url(parsed.d);
  if (encodeBase64Url(ed.getPublicKey(secretKey)) !== parsed.publicJwk.x) {
    throw new InvalidKeyError('private JWK "d" does not match its public key');
  }
  const publicJwk = Object.freeze(
    withKid(parsed.publicJwk, options?.kid, () => portableJwkThumbprint(parsed.publicJwk)),
  );
  return Object.freeze({
    alg: ALG.ed25519,
    publicJwk,
    sign: (data: Uint8Array): Uint8Array => ed.sign(data, secretKey),
  });
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
