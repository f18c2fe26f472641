/** RFC 9421 HTTP Message Signatures under the AAuth profile: sign, verify, signature base, Content-Digest. */
export type { ContentDigestAlgorithm } from './content-digest.js';
export { computeContentDigest, verifyContentDigest } from './content-digest.js';
export type { NormalizedMessageInit, NormalizeOptions } from './message.js';
export {
  HeaderView,
  NormalizedMessage,
  normalizeFetchRequest,
  normalizeMessage,
  normalizeMethod,
  normalizeRequestLike,
} from './message.js';
export { signMessage, signNormalizedMessage, signRequest } from './sign.js';
export type { SignatureBase, SignatureParams } from './signature-base.js';
export { createSignatureBase, serializeSignatureParams } from './signature-base.js';
export type {
  HeadersLike,
  HttpRequestLike,
  ResolvedSignatureKey,
  SignatureHeaders,
  SignatureKeyResolver,
  SignatureVerificationPolicy,
  SignOptions,
  VerificationKey,
  VerifiedSignature,
  VerifiedTokenSummary,
  VerifyMessageOptions,
} from './types.js';
export { verifyMessageSignature, verifyNormalizedMessage } from './verify.js';
