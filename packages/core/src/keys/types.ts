/** Key types shared by signers, verifiers, tokens and Signature-Key. */
import type { SupportedAlg } from '../constants.js';

/** A public JWK as AAuth conveys it: always with a fully specified `alg` (P11 #signature-algorithms). */
export interface PublicJwk {
  kty: 'OKP' | 'EC' | 'RSA' | string;
  alg: SupportedAlg | string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid?: string;
  use?: string;
  key_ops?: string[];
}

/** A private JWK (public members plus `d`). */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

export interface Jwks {
  keys: PublicJwk[];
}

/**
 * Anything that can produce an HTTP message signature or a JWS signature: a local key, a
 * non-extractable WebCrypto key, a KMS or an HSM. `sign` may be synchronous (fast path) or async.
 */
export interface Signer {
  /** JOSE algorithm name: `Ed25519` or `ES256`. */
  readonly alg: SupportedAlg;
  /** The public key, with `alg` (and `kid` when one is set). */
  readonly publicJwk: PublicJwk;
  /** Sign raw bytes; returns the raw signature (64 bytes for Ed25519 and for ES256 in IEEE P1363 form). */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
