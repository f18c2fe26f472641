/** Types shared by the RFC 9421 signer and verifier. */
import type { SignatureErrorCode, TokenKind } from '../constants.js';
import type { PublicJwk, Signer } from '../keys/types.js';
import type { KnownSignatureKey, SignatureKey } from '../signature-key/types.js';

/** Header containers accepted everywhere: WHATWG `Headers`, or node:http style plain objects. */
export type HeadersLike = Headers | Record<string, string | readonly string[] | number | undefined>;

/** A request as the signer and verifier see it. `Request` objects are normalized to this. */
export interface HttpRequestLike {
  method: string;
  /** Absolute URL of the request (scheme + authority + path + query). */
  url: string | URL;
  headers: HeadersLike;
  /** Exact body bytes as sent (a string is UTF-8 encoded). Absent or null: no body. */
  body?: Uint8Array | string | null;
}

/** A public key ready to verify signatures, plus what identifies it. */
export interface VerificationKey {
  jwk: PublicJwk;
  alg: string;
  /** RFC 7638 SHA-256 thumbprint (base64url). */
  thumbprint: string;
  /** Verify a raw signature over `data`. Never throws for a bad signature: returns false. */
  verify(data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

/** What resolving a `Signature-Key` member produced. */
export interface ResolvedSignatureKey {
  scheme: SignatureKey['scheme'];
  /** The key that must have made the HTTP signature (`cnf.jwk` for token schemes). */
  key: VerificationKey;
  /** Present for `jwt` and `jkt-jwt`: the verified token. */
  token?: VerifiedTokenSummary;
  /** Present for `jwks_uri`: the verified server identity. */
  issuer?: { id: string; dwk: string; kid: string };
}

/** Minimal verified-token view carried by a resolved Signature-Key (the tokens module has the full type). */
export interface VerifiedTokenSummary {
  kind: TokenKind | 'jkt';
  typ: string;
  raw: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Verifier policy: nothing is implied, the caller states what it accepts (P11 §2.4). */
export interface SignatureVerificationPolicy {
  /** Schemes accepted in `Signature-Key`. AAuth resources accept `['jwt']`. */
  schemes: readonly SignatureKey['scheme'][];
  /** Components that must be covered in addition to AAuth's four (`@method @authority @path signature-key`). */
  requiredComponents?: readonly string[];
  /** Require `@query` whenever the URL has a query (default true). */
  requireQueryWhenPresent?: boolean;
  /** Require `content-type` + `content-digest` whenever there is a body (default true). */
  requireDigestWhenBody?: boolean;
  /** Max age of `created`, in seconds (default 60). */
  windowSeconds?: number;
  /** Tolerated clock skew for a future `created`, in seconds (default = window). */
  clockSkewSeconds?: number;
  /** Algorithms accepted for the HTTP signature (default `['Ed25519', 'ES256']`). */
  algorithms?: readonly string[];
  /** Label to verify (default `sig`). */
  label?: string;
  /** Canonical authority of this server (`host[:port]`); when set it replaces the request's own. */
  authority?: string;
}

export interface VerifiedSignature {
  label: string;
  /** Covered components, in signature order. */
  components: string[];
  created: number;
  expires?: number;
  /** The raw signature bytes (input for replay caches). */
  signature: Uint8Array;
  signatureKey: SignatureKey;
  resolved: ResolvedSignatureKey;
}

/** Resolves a parsed `Signature-Key` member to a verification key; throws SignatureVerificationError. */
export type SignatureKeyResolver = (
  member: SignatureKey,
  signal?: AbortSignal,
) => Promise<ResolvedSignatureKey>;

export type { SignatureErrorCode };

// --- Added by the http-signatures module (sign/verify API) ---

/** The headers a signer adds to a request (lowercase names). */
export interface SignatureHeaders {
  'signature-input': string;
  signature: string;
  'signature-key': string;
  /** Present whenever the request has a body: the value that was covered (computed when absent). */
  'content-digest'?: string;
}

/** Options of `signRequest` / `signMessage`. */
export interface SignOptions {
  /** Produces the signature; its key must be the one `signatureKey` names (`cnf.jwk` for tokens). */
  signer: Signer;
  /**
   * The `Signature-Key` to send, as a parsed member (`{ scheme: 'jwt', jwt }`), a serialized member
   * value (`jwt;jwt="..."`), or a full header value (`sig=jwt;jwt="..."`, which must have a member for
   * `label` and is sent verbatim). Serializations are cached, so passing the same value is cheap.
   */
  signatureKey: string | KnownSignatureKey;
  /** Signature label (default `sig`). Must be an RFC 9651 Dictionary key. */
  label?: string;
  /** Clock in Unix seconds (default `Date.now() / 1000`); fractions are floored. */
  now?: () => number;
  /** Explicit `created` (Unix seconds); default `now()`. */
  created?: number;
  /** Absolute `expires` (Unix seconds). Mutually exclusive with `expiresIn`. */
  expires?: number;
  /** `expires` as seconds after `created`. Mutually exclusive with `expires`. */
  expiresIn?: number;
  /**
   * RFC 9421 `nonce` parameter: a string, or `true` for 128 random bits. Ed25519 is deterministic, so
   * byte-identical requests signed in the same second would carry identical signatures and a resource's
   * replay cache would refuse all but the first; a nonce keeps them distinct. The agent client always
   * sends one.
   */
  nonce?: string | true;
  /** Components covered after the AAuth defaults (duplicates of defaults are ignored). */
  additionalComponents?: readonly string[];
  /** `host[:port]` for `@authority` when the request URL does not carry the canonical authority. */
  authority?: string;
}

/** Options of `verifyMessageSignature`. */
export interface VerifyMessageOptions {
  policy: SignatureVerificationPolicy;
  resolveKey: SignatureKeyResolver;
  /** Clock in Unix seconds (default `Date.now() / 1000`); fractions are floored. */
  now?: () => number;
  signal?: AbortSignal;
}
