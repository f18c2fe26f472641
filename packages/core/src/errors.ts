/**
 * One error family for the whole toolkit. Every error a caller can reach is an `AAuthError` with a
 * stable `code` (also available as a static on each class, as in `jose`), so callers can catch
 * broadly (`instanceof AAuthError`) or narrowly (`err.code === SignatureVerificationError.code`).
 */
import type { SignatureErrorCode } from './constants.js';

export interface AAuthErrorOptions {
  cause?: unknown;
}

export class AAuthError extends Error {
  static readonly code: string = 'ERR_AAUTH';
  readonly code: string;

  constructor(message: string, options?: AAuthErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as typeof AAuthError).code;
  }
}

/** A caller passed a value the API cannot use (wrong type, missing option, impossible combination). */
export class InvalidArgumentError extends AAuthError {
  static override readonly code = 'ERR_INVALID_ARGUMENT';
}

/** Configuration is incomplete or contradictory (missing key, missing agent token, bad env var). */
export class ConfigurationError extends AAuthError {
  static override readonly code = 'ERR_CONFIGURATION';
}

/** A key is malformed, of the wrong type, or inconsistent with its `alg`. */
export class InvalidKeyError extends AAuthError {
  static override readonly code = 'ERR_INVALID_KEY';
}

/** An algorithm is absent, polymorphic (`EdDSA`), prohibited (`none`, `HS*`) or not supported. */
export class UnsupportedAlgorithmError extends AAuthError {
  static override readonly code = 'ERR_UNSUPPORTED_ALGORITHM';
  readonly alg: string | undefined;
  constructor(message: string, alg: string | undefined, options?: AAuthErrorOptions) {
    super(message, options);
    this.alg = alg;
  }
}

/** A structured header field (RFC 9651) could not be parsed or does not have the AAuth shape. */
export class HeaderParseError extends AAuthError {
  static override readonly code = 'ERR_HEADER_PARSE';
  readonly header: string;
  constructor(header: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.header = header;
  }
}

/** A server identifier or `aauth:local@domain` agent identifier is invalid. */
export class InvalidIdentifierError extends AAuthError {
  static override readonly code = 'ERR_INVALID_IDENTIFIER';
  readonly input: string;
  constructor(input: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.input = input;
  }
}

export interface SignatureVerificationErrorDetails {
  /** Components the verifier requires (`invalid_input`). */
  requiredInput?: readonly string[];
  /** Schemes the verifier accepts (`unsupported_scheme`). */
  acceptSchemes?: readonly string[];
  /** Algorithms the verifier accepts (`unsupported_algorithm`). */
  acceptAlgs?: readonly string[];
}

/**
 * An HTTP message signature, its `Signature-Key`, or the token it carries failed verification.
 * `signatureError` is the `Signature-Error` code a server answers with (always on a 401).
 */
export class SignatureVerificationError extends AAuthError {
  static override readonly code = 'ERR_SIGNATURE_VERIFICATION';
  readonly signatureError: SignatureErrorCode;
  readonly details: SignatureVerificationErrorDetails;
  constructor(
    signatureError: SignatureErrorCode,
    message: string,
    details: SignatureVerificationErrorDetails = {},
    options?: AAuthErrorOptions,
  ) {
    super(message, options);
    this.signatureError = signatureError;
    this.details = details;
  }
}

/**
 * An AAuth JWT failed a claim or header rule. `signatureError` is how the failure is reported when the
 * token rode in `Signature-Key` (`invalid_jwt`, `expired_jwt`, `clock_skew`, `issuer_*`, `unknown_key`).
 */
export class TokenVerificationError extends AAuthError {
  static override readonly code = 'ERR_TOKEN_VERIFICATION';
  readonly signatureError: SignatureErrorCode;
  /** The claim or header parameter at fault, when there is one (`exp`, `aud`, `typ`, `cnf`, ...). */
  readonly claim: string | undefined;
  constructor(
    signatureError: SignatureErrorCode,
    message: string,
    claim?: string,
    options?: AAuthErrorOptions,
  ) {
    super(message, options);
    this.signatureError = signatureError;
    this.claim = claim;
  }
}

/** Metadata or JWKS discovery failed (network, status, size, shape, issuer rules). */
export class DiscoveryError extends AAuthError {
  static override readonly code = 'ERR_DISCOVERY';
  readonly signatureError: SignatureErrorCode;
  readonly url: string | undefined;
  constructor(
    signatureError: SignatureErrorCode,
    message: string,
    url?: string,
    options?: AAuthErrorOptions,
  ) {
    super(message, options);
    this.signatureError = signatureError;
    this.url = url;
  }
}

/** An outbound fetch was refused by egress admission (scheme, address range, redirect, size). */
export class EgressDeniedError extends AAuthError {
  static override readonly code = 'ERR_EGRESS_DENIED';
  readonly url: string;
  constructor(url: string, message: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.url = url;
  }
}

/** A network wait took longer than its bound. */
export class TimeoutError extends AAuthError {
  static override readonly code = 'ERR_TIMEOUT';
}

/** The caller's AbortSignal fired. */
export class AbortedError extends AAuthError {
  static override readonly code = 'ERR_ABORTED';
}

/** A transport failure reaching a peer (DNS, connection refused, reset). */
export class NetworkError extends AAuthError {
  static override readonly code = 'ERR_NETWORK';
  readonly url: string | undefined;
  constructor(message: string, url?: string, options?: AAuthErrorOptions) {
    super(message, options);
    this.url = url;
  }
}

/**
 * Why a `Signature-Key` member was refused. `malformed`: not an RFC 9651 Dictionary;
 * `label_not_found`: no member for the signature label; `scheme_not_token`: the member is not a Token;
 * `missing_parameter` / `invalid_parameter` / `forbidden_parameter`: the scheme's parameters are wrong.
 */
export type SignatureKeyParseReason =
  | 'malformed'
  | 'label_not_found'
  | 'scheme_not_token'
  | 'missing_parameter'
  | 'invalid_parameter'
  | 'forbidden_parameter';

/**
 * A `Signature-Key` header or member is malformed. Keeps `HeaderParseError`'s code; `signatureError` is the
 * `Signature-Error` code an AAuth verifier answers (`invalid_signature` for a structurally broken member,
 * `invalid_key` for broken key material in `hwk` / `jwks_uri`).
 */
export class SignatureKeyParseError extends HeaderParseError {
  readonly reason: SignatureKeyParseReason;
  readonly signatureError: SignatureErrorCode;
  /** The signature label concerned, when known. */
  readonly label: string | undefined;
  constructor(
    reason: SignatureKeyParseReason,
    signatureError: SignatureErrorCode,
    message: string,
    label?: string,
    options?: AAuthErrorOptions,
  ) {
    super('signature-key', message, options);
    this.reason = reason;
    this.signatureError = signatureError;
    this.label = label;
  }
}
