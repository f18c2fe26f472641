/** Keys: generation, import/export, thumbprints, validation, signers and verification keys. */
export type { AsyncSignerOptions } from './async-signer.js';
export { createAsyncSigner } from './async-signer.js';
export { derToP1363 } from './ecdsa-der.js';
export type { GeneratedKeyPair, GenerateKeyPairOptions } from './generate.js';
export { generateKeyPair } from './generate.js';
export type { ValidatePublicJwkOptions } from './jwk.js';
export { exportPublicJwk, isPublicJwk, toJwks, validatePublicJwk } from './jwk.js';
export { createNobleSigner } from './noble-signer.js';
export { createNodeSigner, importPrivateKey } from './node-signer.js';
export { exportPrivateKeyPem, exportPublicKeyPem, privateJwkFromPem, publicJwkFromPem } from './pem.js';
export type { AsyncSigner, SignerOptions, SyncSigner } from './signer-types.js';
export type { ThumbprintHash } from './thumbprint.js';
export { jwkThumbprint, jwkThumbprintUri } from './thumbprint.js';
export type { Jwks, PrivateJwk, PublicJwk, Signer } from './types.js';
export type { SyncVerificationKey } from './verification-key.js';
export {
  clearVerificationKeyCache,
  createVerificationKey,
  VERIFICATION_KEY_CACHE_SIZE,
} from './verification-key.js';
export { createWebCryptoSigner } from './webcrypto-signer.js';
