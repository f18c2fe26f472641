/** Signer over any asynchronous signing function: a KMS, an HSM, a remote enclave. */
import { ALG, type SupportedAlg } from '../constants.js';
import { InvalidArgumentError, InvalidKeyError } from '../errors.js';
import { derToP1363 } from './ecdsa-der.js';
import { checkAlg, isRecord, validatePublicJwk } from './jwk.js';
import { withKid } from './kid.js';
import type { AsyncSigner } from './signer-types.js';
import { portableJwkThumbprint } from './thumbprint-input.js';
import type { PublicJwk } from './types.js';

export interface AsyncSignerOptions {
  alg: SupportedAlg;
  /** The public key of the remote private key. Without `alg` it gets `options.alg`. */
  publicJwk: PublicJwk;
  /** Key id (default: the JWK's `kid`, else its RFC 7638 thumbprint). */
  kid?: string;
  /**
   * Signs raw bytes. Ed25519: the 64-byte signature. ES256: SHA-256 + ECDSA over `data`, as IEEE P1363
   * (64 bytes) or DER (what most KMS APIs return; converted here).
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const SIGNATURE_LENGTH = 64;

export function createAsyncSigner(options: AsyncSignerOptions): AsyncSigner {
  if (!isRecord(options) || typeof options.sign !== 'function') {
    throw new InvalidArgumentError('createAsyncSigner needs { alg, publicJwk, sign }');
  }
  const alg = checkAlg(options.alg);
  const given =
    isRecord(options.publicJwk) && options.publicJwk.alg === undefined
      ? { ...options.publicJwk, alg }
      : options.publicJwk;
  const material = validatePublicJwk(given);
  if (material.alg !== alg) throw new InvalidKeyError(`the public JWK is ${material.alg}, the signer ${alg}`);
  const remoteSign = options.sign;
  const normalize = (signature: unknown): Uint8Array => {
    if (!(signature instanceof Uint8Array))
      throw new InvalidArgumentError('the sign function must return a Uint8Array');
    // 64 bytes is P1363; a DER signature that long would need ~7 leading zero bytes in r and s together.
    if (signature.length === SIGNATURE_LENGTH) return signature;
    if (alg === ALG.es256) return derToP1363(signature);
    throw new InvalidArgumentError(
      `an ${alg} signature must be ${SIGNATURE_LENGTH} bytes, got ${signature.length}`,
    );
  };
  return Object.freeze({
    alg,
    publicJwk: Object.freeze(withKid(material, options.kid, () => portableJwkThumbprint(material))),
    sign: async (data: Uint8Array): Promise<Uint8Array> => normalize(await remoteSign(data)),
  });
}
