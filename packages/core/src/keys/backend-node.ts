/**
 * The only module of keys/ that touches node:crypto: key import/export, generation, hashing, and the
 * synchronous sign/verify fast path. Keys are imported once into KeyObjects and reused.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  KeyObject,
  generateKeyPair as nodeGenerateKeyPair,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { ALG, type SupportedAlg } from '../constants.js';
import { InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import type { ParsedPrivateJwk } from './jwk.js';
import type { PrivateJwk, PublicJwk } from './types.js';

export { KeyObject };

export function digestBase64Url(hash: 'sha256' | 'sha512', text: string): string {
  return createHash(hash).update(text, 'utf8').digest('base64url');
}

/** The AAuth algorithm of a node KeyObject (Ed25519 or P-256), or UnsupportedAlgorithmError. */
export function algOfKeyObject(key: KeyObject): SupportedAlg {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return ALG.ed25519;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return ALG.es256;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new UnsupportedAlgorithmError(
    `key type ${type ?? key.type}${curve ? ` (${curve})` : ''} is not supported; use Ed25519 or ES256 (P-256)`,
    undefined,
  );
}

/** Public members of `key` as a JWK with `alg` (no `kid`). */
export function publicJwkOf(key: KeyObject, alg: SupportedAlg): PublicJwk {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return alg === ALG.es256
    ? { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, alg }
    : { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, alg };
}

/** Private JWK of a private `key`, with `alg` (no `kid`). */
export function privateJwkOf(key: KeyObject, alg: SupportedAlg): PrivateJwk {
  const jwk = key.export({ format: 'jwk' });
  return { ...publicJwkOf(key, alg), d: jwk.d! };
}

/** Imports a validated private JWK, and proves `d` belongs to the stated public key. */
export function privateKeyFromJwk(parsed: ParsedPrivateJwk): KeyObject {
  const { publicJwk, d } = parsed;
  const jwk: JsonWebKey = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, d };
  if (publicJwk.y !== undefined) jwk.y = publicJwk.y;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw new InvalidKeyError('private JWK could not be imported', { cause });
  }
  const derived = publicJwkOf(key, parsed.alg);
  if (derived.x !== publicJwk.x || derived.y !== publicJwk.y) {
    throw new InvalidKeyError('private JWK "d" does not match its public key');
  }
  return key;
}

/** Imports a PEM private key (PKCS#8, or SEC1 for P-256). */
export function privateKeyFromPem(pem: string): KeyObject {
  if (!pem.includes('-----BEGIN')) throw new InvalidKeyError('input is not a PEM private key');
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new InvalidKeyError('PEM private key could not be imported', { cause });
  }
}

/** Imports a validated public JWK. Node checks that an EC point lies on the curve. */
export function publicKeyFromJwk(jwk: PublicJwk): KeyObject {
  const material: JsonWebKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (jwk.y !== undefined) material.y = jwk.y;
  try {
    return createPublicKey({ key: material, format: 'jwk' });
  } catch (cause) {
    throw new InvalidKeyError('public JWK could not be imported', { cause });
  }
}

/** Imports a PEM (SPKI) public key. */
export function publicKeyFromPem(pem: string): KeyObject {
  if (!pem.includes('-----BEGIN')) throw new InvalidKeyError('input is not a PEM public key');
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new InvalidKeyError('PEM public key could not be imported', { cause });
  }
}

export function pkcs8Pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

export function generateNodeKeyPair(
  alg: SupportedAlg,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err
        ? reject(new InvalidKeyError('key generation failed', { cause: err }))
        : resolve({ privateKey, publicKey });
    if (alg === ALG.es256) nodeGenerateKeyPair('ec', { namedCurve: 'P-256' }, done);
    else nodeGenerateKeyPair('ed25519', undefined, done);
  });
}

/** A zero-copy Uint8Array over a Buffer (callers compare signatures as plain Uint8Arrays). */
function asUint8Array(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Synchronous raw signing with a private KeyObject; ES256 signatures are IEEE P1363 (r || s). */
export function nodeSignFunction(alg: SupportedAlg, privateKey: KeyObject): (data: Uint8Array) => Uint8Array {
  if (alg === ALG.es256) {
    const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
    return (data) => asUint8Array(nodeSign('sha256', data, key));
  }
  return (data) => asUint8Array(nodeSign(null, data, privateKey));
}

/** Raw signature length for both algorithms (Ed25519, and ES256 in IEEE P1363 form). */
const SIGNATURE_LENGTH = 64;

/** Synchronous verification that answers false, never throws, on any bad signature. */
export function nodeVerifyFunction(
  alg: SupportedAlg,
  publicKey: KeyObject,
): (data: Uint8Array, signature: Uint8Array) => boolean {
  if (alg === ALG.es256) {
    const key = { key: publicKey, dsaEncoding: 'ieee-p1363' as const };
    return (data, signature) => {
      if (signature.byteLength !== SIGNATURE_LENGTH) return false;
      try {
        return nodeVerify('sha256', data, key, signature);
      } catch {
        return false;
      }
    };
  }
  return (data, signature) => {
    if (signature.byteLength !== SIGNATURE_LENGTH) return false;
    try {
      return nodeVerify(null, data, publicKey, signature);
    } catch {
      return false;
    }
  };
}
