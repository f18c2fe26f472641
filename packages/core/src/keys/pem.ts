/** PEM (PKCS#8 private, SPKI public) <-> JWK conversions for Ed25519 and P-256 keys. */
import { InvalidKeyError } from '../errors.js';
import {
  algOfKeyObject,
  pkcs8Pem,
  privateJwkOf,
  privateKeyFromJwk,
  privateKeyFromPem,
  publicJwkOf,
  publicKeyFromJwk,
  publicKeyFromPem,
  spkiPem,
} from './backend-node.js';
import { algForKeyType, exportPublicJwk, parsePrivateJwk, validatePublicJwk } from './jwk.js';
import { withKid } from './kid.js';
import type { SignerOptions } from './signer-types.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PrivateJwk, PublicJwk } from './types.js';

/** PKCS#8 PEM of a private JWK (`alg` optional: implied by `kty`/`crv`). */
export function exportPrivateKeyPem(privateJwk: PrivateJwk): string {
  return pkcs8Pem(privateKeyFromJwk(parsePrivateJwk(privateJwk)));
}

/** SPKI PEM of a public JWK (private members are ignored; `alg` optional: implied by `kty`/`crv`). */
export function exportPublicKeyPem(publicJwk: PublicJwk | PrivateJwk): string {
  const stripped = exportPublicJwk(publicJwk);
  const implied = stripped.alg === undefined ? algForKeyType(stripped.kty, stripped.crv) : undefined;
  const valid = validatePublicJwk(implied === undefined ? stripped : { ...stripped, alg: implied });
  return spkiPem(publicKeyFromJwk(valid));
}

function checkExpectedAlg(actual: string, expected: string | undefined): void {
  if (expected !== undefined && expected !== actual)
    throw new InvalidKeyError(`key is ${actual}, not ${expected}`);
}

/** Private JWK (with `alg`, and `kid` defaulting to the RFC 7638 thumbprint) from a PEM private key. */
export function privateJwkFromPem(pem: string, options?: SignerOptions): PrivateJwk {
  if (typeof pem !== 'string') throw new InvalidKeyError('expected a PEM string');
  const key = privateKeyFromPem(pem);
  const alg = algOfKeyObject(key);
  checkExpectedAlg(alg, options?.alg);
  const { d, ...publicJwk } = privateJwkOf(key, alg);
  return { ...withKid(publicJwk, options?.kid, () => jwkThumbprint(publicJwk)), d };
}

/** Public JWK (with `alg`, and `kid` defaulting to the RFC 7638 thumbprint) from a SPKI (or private) PEM. */
export function publicJwkFromPem(pem: string, options?: SignerOptions): PublicJwk {
  if (typeof pem !== 'string') throw new InvalidKeyError('expected a PEM string');
  const key = publicKeyFromPem(pem);
  const alg = algOfKeyObject(key);
  checkExpectedAlg(alg, options?.alg);
  const publicJwk = publicJwkOf(key, alg);
  return withKid(publicJwk, options?.kid, () => jwkThumbprint(publicJwk));
}
