/**
 * RFC 9530 `Content-Digest`: an SF Dictionary of algorithm → Byte Sequence over the exact body bytes.
 * The signature covers only the header; verifiers recompute the digest from the body (P11 §2.1).
 */
import * as nodeCrypto from 'node:crypto';
import { type Dictionary, isInnerList } from 'structured-headers';
import { HEADER } from '../constants.js';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { utf8 } from '../util/base64.js';
import { byteSequenceBytes, parseDictionaryFast } from './fast-dictionary.js';

/** Digest algorithms of the RFC 9530 registry marked Active. */
export type ContentDigestAlgorithm = 'sha-256' | 'sha-512';

const NODE_HASH: Readonly<Record<ContentDigestAlgorithm, string>> = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
};

function isKnownAlgorithm(alg: string): alg is ContentDigestAlgorithm {
  return alg === 'sha-256' || alg === 'sha-512';
}

function bodyBytes(body: Uint8Array | string): Uint8Array {
  if (typeof body === 'string') return utf8(body);
  if (body instanceof Uint8Array) return body;
  throw new InvalidArgumentError('body must be a Uint8Array or a string');
}

/** One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object; older Node 20 lines use createHash. */
const oneShotHash: typeof nodeCrypto.hash | undefined =
  typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/** The digest as standard padded base64 (asking node:crypto for base64 avoids allocating a Buffer). */
function digestBase64(alg: ContentDigestAlgorithm, bytes: Uint8Array): string {
  const name = NODE_HASH[alg];
  return oneShotHash === undefined
    ? nodeCrypto.createHash(name).update(bytes).digest('base64')
    : oneShotHash(name, bytes, 'base64');
}

/** How computeContentDigest's sha-256 value starts. */
const CANONICAL_SHA256_PREFIX = 'sha-256=:';

/** Decodes our own canonical base64 (Buffer's pooled decode, no ArrayBuffer allocation). */
function decodeBase64(text: string): Uint8Array {
  return Buffer.from(text, 'base64');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * `sha-256=:<base64>:` for the body (a string is UTF-8 encoded). Written directly: a one-member
 * Dictionary whose key is a valid SF key and whose value is a Byte Sequence serializes to exactly this.
 */
export function computeContentDigest(
  body: Uint8Array | string,
  alg: ContentDigestAlgorithm = 'sha-256',
): string {
  if (!isKnownAlgorithm(alg))
    throw new InvalidArgumentError(`unsupported Content-Digest algorithm "${String(alg)}"`);
  return `${alg}=:${digestBase64(alg, bodyBytes(body))}:`;
}

/**
 * Checks a `Content-Digest` value against the body. Unknown algorithms are ignored; every known one
 * present must match and at least one must be present. Throws HeaderParseError when the value is not a
 * Dictionary or a known algorithm's value is not a bare Byte Sequence.
 */
export function verifyContentDigest(headerValue: string, body: Uint8Array | string): boolean {
  // The header as computeContentDigest writes it, for this very body: nothing to parse. (Checked only
  // for a valid body, so that a bad header still wins over a bad body, as below.)
  let sha256: string | undefined;
  if (
    typeof headerValue === 'string' &&
    headerValue.startsWith(CANONICAL_SHA256_PREFIX) &&
    (typeof body === 'string' || body instanceof Uint8Array)
  ) {
    sha256 = digestBase64('sha-256', bodyBytes(body));
    if (headerValue === `${CANONICAL_SHA256_PREFIX}${sha256}:`) return true;
  }
  let dictionary: Dictionary;
  try {
    dictionary = parseDictionaryFast(headerValue);
  } catch (cause) {
    throw new HeaderParseError(HEADER.contentDigest, 'Content-Digest is not a structured-field Dictionary', {
      cause,
    });
  }
  const bytes = bodyBytes(body);
  let checked = 0;
  for (const [alg, member] of dictionary) {
    if (!isKnownAlgorithm(alg)) continue;
    const expected = isInnerList(member) ? undefined : byteSequenceBytes(member[0]);
    if (expected === undefined) {
      throw new HeaderParseError(HEADER.contentDigest, `Content-Digest "${alg}" is not a Byte Sequence`);
    }
    const actual = alg === 'sha-256' && sha256 !== undefined ? sha256 : digestBase64(alg, bytes);
    if (!equalBytes(expected, decodeBase64(actual))) return false;
    checked++;
  }
  return checked > 0;
}
