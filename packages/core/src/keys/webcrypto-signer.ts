/**
 * Signer over WebCrypto (`crypto.subtle`): works with non-extractable private keys (browsers, Deno,
 * Workers, Node), because it only ever asks the key to sign.
 */
import { ALG, type SupportedAlg } from '../constants.js';
import { InvalidArgumentError, InvalidKeyError, UnsupportedAlgorithmError } from '../errors.js';
import { isRecord, validatePublicJwk } from './jwk.js';
import { withKid } from './kid.js';
import type { AsyncSigner } from './signer-types.js';
import { portableJwkThumbprint } from './thumbprint-input.js';
import type { PublicJwk } from './types.js';

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const ED25519 = { name: 'Ed25519' } as const;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined)
    throw new InvalidArgumentError('WebCrypto (crypto.subtle) is not available in this runtime');
  return s;
}

/** WebCrypto takes ArrayBuffer-backed views only; a view over a SharedArrayBuffer is copied. */
function asBufferSource(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return (
    isRecord(value) &&
    isRecord(value.algorithm) &&
    typeof value.type === 'string' &&
    Array.isArray(value.usages)
  );
}

function isCryptoKeyPair(value: unknown): value is CryptoKeyPair {
  return isRecord(value) && isCryptoKey(value.privateKey) && isCryptoKey(value.publicKey);
}

function algOfCryptoKey(key: CryptoKey): SupportedAlg {
  const algorithm = key.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name === 'Ed25519') return ALG.ed25519;
  if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return ALG.es256;
  throw new UnsupportedAlgorithmError(
    `WebCrypto key ${algorithm.name}${algorithm.namedCurve ? ` ${algorithm.namedCurve}` : ''} is not supported; use Ed25519 or ECDSA P-256`,
    undefined,
  );
}

async function exportPublic(publicKey: CryptoKey, alg: SupportedAlg): Promise<PublicJwk> {
  let jwk: JsonWebKey;
  try {
    jwk = await subtle().exportKey('jwk', publicKey);
  } catch (cause) {
    throw new InvalidKeyError('the public CryptoKey could not be exported', { cause });
  }
  return validatePublicJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, alg });
}

/** Proves the private key and the public JWK are one pair by signing and verifying a probe. */
async function assertPair(privateKey: CryptoKey, publicJwk: PublicJwk, alg: SupportedAlg): Promise<void> {
  const params = alg === ALG.es256 ? ECDSA_SHA256 : ED25519;
  const importParams = alg === ALG.es256 ? { name: 'ECDSA', namedCurve: 'P-256' } : ED25519;
  const material: JsonWebKey = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x };
  if (publicJwk.y !== undefined) material.y = publicJwk.y;
  const probe = new TextEncoder().encode('aauth-kit key pair probe');
  let matches: boolean;
  try {
    const publicKey = await subtle().importKey('jwk', material, importParams, false, ['verify']);
    const signature = await subtle().sign(params, privateKey, probe);
    matches = await subtle().verify(params, publicKey, signature, probe);
  } catch (cause) {
    throw new InvalidKeyError('the CryptoKey could not sign, or the public JWK could not be imported', {
      cause,
    });
  }
  if (!matches) throw new InvalidKeyError('the public JWK does not belong to the private CryptoKey');
}

/**
 * Signer over a WebCrypto private key (Ed25519, or ECDSA P-256 for ES256; extractable or not). Pass the
 * CryptoKeyPair, or the private CryptoKey with its public JWK. `sign` is async. ES256 signatures come
 * out of WebCrypto already in IEEE P1363 (r || s) form.
 */
export async function createWebCryptoSigner(
  key: CryptoKey | CryptoKeyPair,
  publicJwk?: PublicJwk,
  options?: { kid?: string },
): Promise<AsyncSigner> {
  const privateKey = isCryptoKeyPair(key) ? key.privateKey : key;
  if (!isCryptoKey(privateKey)) throw new InvalidKeyError('expected a CryptoKey or a CryptoKeyPair');
  if (privateKey.type !== 'private')
    throw new InvalidKeyError(`expected a private key, got a ${privateKey.type} key`);
  if (!privateKey.usages.includes('sign')) throw new InvalidKeyError('the CryptoKey does not allow "sign"');
  const alg = algOfCryptoKey(privateKey);
  let material: PublicJwk;
  if (publicJwk !== undefined) {
    material = validatePublicJwk(publicJwk);
    if (material.alg !== alg)
      throw new InvalidKeyError(`the public JWK is ${material.alg}, the CryptoKey ${alg}`);
  } else if (isCryptoKeyPair(key)) {
    material = await exportPublic(key.publicKey, alg);
  } else {
    throw new InvalidArgumentError('pass the CryptoKeyPair, or the public JWK of the private CryptoKey');
  }
  await assertPair(privateKey, material, alg);
  const params = alg === ALG.es256 ? ECDSA_SHA256 : ED25519;
  const s = subtle();
  return Object.freeze({
    alg,
    publicJwk: Object.freeze(withKid(material, options?.kid, () => portableJwkThumbprint(material))),
    sign: async (data: Uint8Array): Promise<Uint8Array> =>
      new Uint8Array(await s.sign(params, privateKey, asBufferSource(data))),
  });
}
