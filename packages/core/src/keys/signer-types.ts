/** Narrower Signer views, so callers of a given implementation know whether `sign` is synchronous. */
import type { SupportedAlg } from '../constants.js';
import type { Signer } from './types.js';

/** A Signer whose `sign` is synchronous (node:crypto, noble). */
export interface SyncSigner extends Signer {
  sign(data: Uint8Array): Uint8Array;
}

/** A Signer whose `sign` is asynchronous (WebCrypto, KMS/HSM). */
export interface AsyncSigner extends Signer {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export interface SignerOptions {
  /** Key id for `publicJwk` (default: the key's own `kid`, else its RFC 7638 thumbprint). */
  kid?: string;
  /** Expected algorithm; a key of another type is an InvalidKeyError. */
  alg?: SupportedAlg;
}
