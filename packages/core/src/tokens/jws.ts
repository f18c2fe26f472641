/**
 * Compact JWS (RFC 7515) for AAuth tokens.
 *
 * Decoding and verification use jose (`decodeProtectedHeader`, `decodeJwt`, `compactVerify` with an
 * `algorithms` allow-list), with the key imported once per VerificationKey. Only the AAuth claim rules
 * (tokens/rules.ts) and the Signature-Error codes are ours: every jose failure is mapped to a
 * TokenVerificationError(invalid_jwt).
 *
 * Minting stays hand-encoded: a `Signer` may be asynchronous and hold its private key outside the
 * process (KMS, HSM, WebAuthn-style enclaves). jose's CompactSign/SignJWT only sign with a key
 * (CryptoKey, KeyObject, JWK) it can hand to WebCrypto itself, so it cannot drive such a signer.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, errors, importJWK } from 'jose';
import { SIGNATURE_ERROR_CODE } from '../constants.js';
import { InvalidArgumentError, TokenVerificationError } from '../errors.js';
import type { VerificationKey } from '../http-signatures/types.js';
import type { Signer } from '../keys/types.js';
import { decodeBase64Url, encodeBase64Url, utf8 } from '../util/base64.js';

/** Longest compact JWS accepted (AAuth tokens are well under 4 KiB). */
export const MAX_JWT_LENGTH = 16 * 1024;

export interface DecodedJws {
  raw: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** ASCII bytes of `BASE64URL(header) '.' BASE64URL(payload)`. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/**
 * Three unpadded base64url segments (RFC 7515 §7.1), the signature possibly empty. Checked before
 * jose decodes, because jose's base64url decoder (atob, or Uint8Array.fromBase64 on newer runtimes)
 * also admits padding and whitespace.
 */
const COMPACT_JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function invalid(message: string, claim?: string, cause?: unknown): TokenVerificationError {
  return new TokenVerificationError(
    SIGNATURE_ERROR_CODE.invalidJwt,
    message,
    claim,
    cause === undefined ? undefined : { cause },
  );
}

/** Splits and decodes a compact JWS without verifying it. Throws TokenVerificationError(invalid_jwt). */
export function decodeCompactJws(jwt: unknown): DecodedJws {
  if (typeof jwt !== 'string' || jwt.length === 0) throw invalid('JWT must be a non-empty string');
  if (jwt.length > MAX_JWT_LENGTH) throw invalid(`JWT is longer than ${MAX_JWT_LENGTH} characters`);
  if (!COMPACT_JWS_RE.test(jwt)) {
    throw invalid('JWT is not a compact JWS (three dot-separated base64url parts)');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch (cause) {
    throw invalid('JWT header is not a base64url-encoded JSON object', 'header', cause);
  }
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(jwt) as Record<string, unknown>;
  } catch (cause) {
    throw invalid('JWT payload is not a base64url-encoded JSON object', 'payload', cause);
  }
  const second = jwt.lastIndexOf('.');
  let signature: Uint8Array;
  try {
    signature = decodeBase64Url(jwt.slice(second + 1));
  } catch (cause) {
    throw invalid('JWT signature is not base64url', 'signature', cause);
  }
  return { raw: jwt, header, payload, signingInput: utf8(jwt.slice(0, second)), signature };
}

type JoseVerifyKey = Parameters<typeof compactVerify>[1];

/**
 * Each VerificationKey imported for jose once. Keys from `createVerificationKey` are cached frozen
 * objects, so a weak map keyed by the object follows that cache's lifetime without a second LRU.
 */
const joseKeys = new WeakMap<VerificationKey, Promise<JoseVerifyKey>>();

function joseKeyFor(key: VerificationKey): Promise<JoseVerifyKey> {
  let imported = joseKeys.get(key);
  if (imported === undefined) {
    imported = importJWK(key.jwk, key.alg);
    joseKeys.set(key, imported);
    // A key that cannot be imported is not remembered: the next call reports the failure again.
    imported.catch(() => joseKeys.delete(key));
  }
  return imported;
}

/** jose's failure as our typed error: the token is invalid, the claim names what was at fault. */
function fromJoseError(error: unknown): TokenVerificationError {
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return invalid(`JWT alg is not usable with its key: ${error.message}`, 'alg', error);
  }
  if (error instanceof errors.JWSInvalid) {
    return invalid(`JWT is not a valid JWS: ${error.message}`, undefined, error);
  }
  // TypeError from jose's key import or key/alg checks: the key cannot verify this token.
  const message = error instanceof Error ? error.message : 'unknown failure';
  return invalid(`JWT signature could not be verified: ${message}`, 'signature', error);
}

/**
 * Verifies the JWS signature of `decoded.raw` with `key` through jose, allowing only `key.alg`.
 * Resolves false for a signature that does not verify (the caller decides whether to refetch a
 * rotated key); any other failure rejects with TokenVerificationError(invalid_jwt). The JWS is
 * checked against `key.jwk`: `key.verify` is not consulted.
 */
export async function verifyJwsSignature(decoded: DecodedJws, key: VerificationKey): Promise<boolean> {
  try {
    await compactVerify(decoded.raw, await joseKeyFor(key), { algorithms: [key.alg] });
    return true;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return false;
    throw fromJoseError(error);
  }
}

/**
 * Serializes `header` and `payload` (JSON.stringify: members in insertion order) and signs them with
 * `signer`. `header.alg` must be the signer's algorithm.
 */
export async function encodeCompactJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: Signer,
): Promise<string> {
  if (header.alg !== signer.alg) {
    throw new InvalidArgumentError(`header alg ${String(header.alg)} is not the signer's ${signer.alg}`);
  }
  const signingInput = `${encodeBase64Url(utf8(JSON.stringify(header)))}.${encodeBase64Url(utf8(JSON.stringify(payload)))}`;
  const signature = await signer.sign(utf8(signingInput));
  if (!(signature instanceof Uint8Array) || signature.byteLength === 0) {
    throw new InvalidArgumentError('signer returned no signature bytes');
  }
  return `${signingInput}.${encodeBase64Url(signature)}`;
}
