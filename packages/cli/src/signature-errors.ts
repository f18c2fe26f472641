/**
 * `Signature-Error` codes (SK08 §5, P11 #verification) in plain words: what the code means for the
 * request at hand and what usually fixes it. Used by `verify` and by `fetch` on a 401.
 */
import { SIGNATURE_ERROR_CODE } from '@aauth-kit/core';

const REASONS: Readonly<Record<string, string>> = {
  [SIGNATURE_ERROR_CODE.invalidSignature]:
    'the signature does not match the request: something covered (method, authority, path, query, a header or the body) changed after signing, another key signed it, or the Signature / Signature-Input headers are malformed',
  [SIGNATURE_ERROR_CODE.invalidInput]:
    'the signature does not cover every component the verifier requires; sign again covering the required_input components',
  [SIGNATURE_ERROR_CODE.clockSkew]:
    'the signature\'s "created" time is outside the verifier\'s window: the clocks differ, or the request is old (verify a captured request with --now <its created time>)',
  [SIGNATURE_ERROR_CODE.unsupportedScheme]:
    'Signature-Key uses a scheme the verifier does not accept (AAuth agents present tokens with sig=jwt)',
  [SIGNATURE_ERROR_CODE.unsupportedAlgorithm]:
    'the key algorithm is not accepted (AAuth uses Ed25519 or ES256)',
  [SIGNATURE_ERROR_CODE.invalidKey]: 'the key named by Signature-Key is malformed or unusable',
  [SIGNATURE_ERROR_CODE.unknownKey]:
    "the token issuer's published keys do not contain the key that signed the token (wrong kid, rotated key, or an --issuer-jwks file without it)",
  [SIGNATURE_ERROR_CODE.invalidJwt]:
    'the token in Signature-Key is not acceptable: wrong typ for this verifier, a claim that breaks the rules, a bad token signature, or a cnf key that is not the signing key',
  [SIGNATURE_ERROR_CODE.expiredJwt]: 'the token in Signature-Key has expired: get a fresh one',
  [SIGNATURE_ERROR_CODE.revokedJwt]: 'the token in Signature-Key was revoked: get a fresh one',
  [SIGNATURE_ERROR_CODE.issuerMissing]:
    "the token's issuer could not be found (no metadata or keys at its iss)",
  [SIGNATURE_ERROR_CODE.issuerMismatch]:
    "the token's issuer metadata names another issuer than the token's iss",
  [SIGNATURE_ERROR_CODE.invalidRequest]: 'the request is malformed',
};

/** Plain words for a Signature-Error code (codes from later drafts are named as they are). */
export function explainSignatureError(code: string): string {
  return REASONS[code] ?? `the verifier answered the Signature-Error code "${code}"`;
}
