/**
 * Every wire constant of AAuth (draft-hardt-oauth-aauth-protocol-11) and HTTP Signature Keys
 * (draft-hardt-httpbis-signature-key-08) used by @aauth-kit/core lives here, so a draft revision is
 * a diff of one file.
 */

/** HTTP header field names (lowercase: HTTP field names are case-insensitive). */
export const HEADER = {
  signature: 'signature',
  signatureInput: 'signature-input',
  signatureKey: 'signature-key',
  signatureError: 'signature-error',
  acceptSignatureScheme: 'accept-signature-scheme',
  acceptSignatureAlg: 'accept-signature-alg',
  contentDigest: 'content-digest',
  contentType: 'content-type',
  authorization: 'authorization',
  aauthRequirement: 'aauth-requirement',
  aauthCapabilities: 'aauth-capabilities',
  aauthAccess: 'aauth-access',
  location: 'location',
  retryAfter: 'retry-after',
  prefer: 'prefer',
  cacheControl: 'cache-control',
} as const;

/** The signature label AAuth uses in Signature-Input, Signature and Signature-Key. */
export const SIGNATURE_LABEL = 'sig';

/** RFC 9421 derived components and AAuth's covered-component profile (P11 #covered-components). */
export const COMPONENT = {
  method: '@method',
  authority: '@authority',
  path: '@path',
  query: '@query',
  targetUri: '@target-uri',
  scheme: '@scheme',
  requestTarget: '@request-target',
  status: '@status',
  signatureKey: 'signature-key',
  contentType: 'content-type',
  contentDigest: 'content-digest',
  authorization: 'authorization',
} as const;

/** Components every AAuth signature MUST cover. */
export const REQUIRED_COMPONENTS = [
  COMPONENT.method,
  COMPONENT.authority,
  COMPONENT.path,
  COMPONENT.signatureKey,
] as const;

/** Default signature window in seconds (P11 #freshness-and-replay). */
export const DEFAULT_SIGNATURE_WINDOW_SECONDS = 60;

/** JWT `typ` header values. */
export const TOKEN_TYPE = {
  agent: 'aa-agent+jwt',
  person: 'aa-person+jwt',
  resource: 'aa-resource+jwt',
  auth: 'aa-auth+jwt',
  jktS256: 'jkt-s256+jwt',
  jktS512: 'jkt-s512+jwt',
} as const;
export type TokenType = (typeof TOKEN_TYPE)[keyof typeof TOKEN_TYPE];

/** Token kinds as named in this library's API. */
export type TokenKind = 'agent' | 'person' | 'resource' | 'auth';

/** Well-known document names (`dwk`), P11 #metadata-documents. */
export const DWK = {
  agent: 'aauth-agent.json',
  person: 'aauth-person.json',
  access: 'aauth-access.json',
  resource: 'aauth-resource.json',
} as const;
export type Dwk = (typeof DWK)[keyof typeof DWK];

/** Lifetimes in seconds (P11 #aauth-tokens). */
export const TOKEN_LIFETIME = {
  agentMax: 24 * 3600,
  personMax: 3600,
  authMax: 3600,
  resourceRecommended: 5 * 60,
  /** Agents refresh tokens with less than this remaining (P11 #refresh-margin). */
  refreshMargin: 5 * 60,
} as const;

/** Signature-Key schemes (SK08 §3.4–3.11). */
export const SIGNATURE_KEY_SCHEME = {
  jwt: 'jwt',
  hwk: 'hwk',
  jwksUri: 'jwks_uri',
  jktJwt: 'jkt-jwt',
  jwks: 'jwks',
  x509: 'x509',
} as const;
export type SignatureKeyScheme = (typeof SIGNATURE_KEY_SCHEME)[keyof typeof SIGNATURE_KEY_SCHEME];

/** Signature-Error codes (SK08 §5 + SK09 `revoked_jwt`). */
export const SIGNATURE_ERROR_CODE = {
  invalidRequest: 'invalid_request',
  invalidInput: 'invalid_input',
  invalidSignature: 'invalid_signature',
  clockSkew: 'clock_skew',
  unsupportedScheme: 'unsupported_scheme',
  unsupportedAlgorithm: 'unsupported_algorithm',
  invalidKey: 'invalid_key',
  unknownKey: 'unknown_key',
  invalidJwt: 'invalid_jwt',
  expiredJwt: 'expired_jwt',
  revokedJwt: 'revoked_jwt',
  issuerMissing: 'issuer_missing',
  issuerMismatch: 'issuer_mismatch',
} as const;
export type SignatureErrorCode = (typeof SIGNATURE_ERROR_CODE)[keyof typeof SIGNATURE_ERROR_CODE];

/** `AAuth-Requirement` values (P11 #requirement-values). */
export const REQUIREMENT = {
  agentToken: 'agent-token',
  personToken: 'person-token',
  authToken: 'auth-token',
  interaction: 'interaction',
  approval: 'approval',
  clarification: 'clarification',
  claims: 'claims',
} as const;
export type RequirementValue = (typeof REQUIREMENT)[keyof typeof REQUIREMENT];

/** `AAuth-Capabilities` values (P11 #aauth-capabilities). */
export const CAPABILITY = {
  interaction: 'interaction',
  clarification: 'clarification',
  payment: 'payment',
} as const;

/** Signature algorithms (JOSE names, fully specified, RFC 9864). */
export const ALG = {
  ed25519: 'Ed25519',
  es256: 'ES256',
} as const;
export type SupportedAlg = (typeof ALG)[keyof typeof ALG];
export const SUPPORTED_ALGS: readonly SupportedAlg[] = [ALG.ed25519, ALG.es256];

/** Algorithms never accepted on a key or a JWT (P11 #signature-algorithms). */
export const PROHIBITED_ALGS: readonly string[] = ['none', 'EdDSA', 'HS256', 'HS384', 'HS512'];

/** The HTTP `Authorization` scheme for AAuth session tokens (P11 #aauth-access). */
export const AUTHORIZATION_SCHEME = 'AAuth';

/** Problem-details `type` prefix for signature errors (SK08 §5.2). */
export const SIGNATURE_ERROR_TYPE_PREFIX = 'urn:ietf:params:sig-error:';

/** Media type of RFC 9457 problem details bodies (P11 #error-response-format). */
export const PROBLEM_JSON_CONTENT_TYPE = 'application/problem+json';
