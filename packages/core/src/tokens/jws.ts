/**
 * Compact JWS (RFC 7515) encode/decode over the `Signer` / `VerificationKey` interfaces. Hand-rolled
 * rather than jose's SignJWT/compactVerify because `Signer.sign` may be async (KMS, HSM) and because
 * verification reuses the key imported once by `createVerificationKey`.
 */
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

const decoder = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string, claim?: string, cause?: unknown): TokenVerificationError {
  return new TokenVerificationError(
    SIGNATURE_ERROR_CODE.invalidJwt,
    message,
    claim,
    cause === undefined ? undefined : { cause },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeJsonSegment(segment: string, what: 'header' | 'payload'): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(decodeBase64Url(segment)));
  } catch (cause) {
    throw invalid(`JWT ${what} is not base64url-encoded JSON`, what, cause);
  }
  if (!isRecord(parsed)) throw invalid(`JWT ${what} is not a JSON object`, what);
  return parsed;
}

/** Splits and decodes a compact JWS without verifying it. Throws TokenVerificationError(invalid_jwt). */
export function decodeCompactJws(jwt: unknown): DecodedJws {
  if (typeof jwt !== 'string' || jwt.length === 0) throw invalid('JWT must be a non-empty string');
  if (jwt.length > MAX_JWT_LENGTH) throw invalid(`JWT is longer than ${MAX_JWT_LENGTH} characters`);
  const first = jwt.indexOf('.');
  const second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
  if (first < 0 || second < 0 || jwt.indexOf('.', second + 1) !== -1) {
    throw invalid('JWT is not a compact JWS (three dot-separated parts)');
  }
  const header = decodeJsonSegment(jwt.slice(0, first), 'header');
  const payload = decodeJsonSegment(jwt.slice(first + 1, second), 'payload');
  let signature: Uint8Array;
  try {
    signature = decodeBase64Url(jwt.slice(second + 1));
  } catch (cause) {
    throw invalid('JWT signature is not base64url', 'signature', cause);
  }
  return { raw: jwt, header, payload, signingInput: utf8(jwt.slice(0, second)), signature };
}

/** Verifies the JWS signature with `key` (false for a bad signature, never throws for one). */
export function verifyJwsSignature(decoded: DecodedJws, key: VerificationKey): boolean | Promise<boolean> {
  return key.verify(decoded.signingInput, decoded.signature);
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
