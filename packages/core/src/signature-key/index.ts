/** Signature-Key: the header codec (SK08 §3) and per-scheme key resolution. */
export {
  getSignatureKeyMember,
  isKnownSignatureKey,
  parseSignatureKey,
  serializeSignatureKey,
} from './codec.js';
export type { SignatureKeyResolverOptions } from './resolve.js';
export { createSignatureKeyResolver } from './resolve.js';
export type {
  HwkSignatureKey,
  JktJwtSignatureKey,
  JwksUriSignatureKey,
  JwtSignatureKey,
  KnownSignatureKey,
  SignatureKey,
  UnknownSignatureKey,
} from './types.js';
