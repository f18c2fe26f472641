/**
 * Turns the signer's `signatureKey` option into the `Signature-Key` header value it sends, memoized so
 * that re-signing with the same token, key object or string costs a map lookup (no SF parse on the
 * signing hot path after the first call).
 */
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { getSignatureKeyMember, serializeSignatureKey } from '../signature-key/codec.js';
import type { JktJwtSignatureKey, JwtSignatureKey, KnownSignatureKey } from '../signature-key/types.js';
import { LruCache } from '../util/lru.js';

const CACHE_SIZE = 256;

/** Validated header values for string inputs, keyed by label + LF + input (LF never occurs in a header). */
const fromStrings = new LruCache<string, string>(CACHE_SIZE);
/** Serialized headers for member objects, keyed by label + every field serialization reads. */
const fromObjects = new LruCache<string, string>(CACHE_SIZE);

/** True when `text` is a whole Dictionary (`label=scheme;...`) rather than one member value (`scheme;...`). */
function isDictionaryForm(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */) return true;
    if (c === 59 /* ; */ || c === 44 /* , */) return false;
  }
  return false;
}

function fromString(input: string, label: string): string {
  const key = `${label}\n${input}`;
  const hit = fromStrings.get(key);
  if (hit !== undefined) return hit;
  const trimmed = input.trim();
  const value = isDictionaryForm(trimmed) ? trimmed : `${label}=${trimmed}`;
  try {
    // Parses the whole value as a Dictionary and decodes the member this signature refers to.
    getSignatureKeyMember(value, label);
  } catch (cause) {
    if (cause instanceof HeaderParseError) {
      throw new InvalidArgumentError(`options.signatureKey is not usable: ${cause.message}`, { cause });
    }
    throw cause;
  }
  fromStrings.set(key, value);
  return value;
}

/**
 * A cache key naming everything the serialization depends on. Built from the fields (not the object's
 * identity) so a caller that mutates its member object, e.g. swaps in a refreshed token, is never served
 * a stale header. Undefined for shapes serialization will reject anyway.
 */
function objectKey(input: KnownSignatureKey, label: string): string | undefined {
  // `label` is a checked SF key (no LF), so the only free-form field may follow the last LF unescaped;
  // schemes with several free-form fields are JSON-encoded to stay unambiguous.
  switch (input.scheme) {
    case 'jwt':
    case 'jkt-jwt':
      return `${label}\n${input.scheme}\n${input.cache === true ? 1 : 0}\n${input.jwt}`;
    case 'jwks_uri':
      return `${label}\njwks_uri\n${JSON.stringify([input.id, input.dwk, input.kid])}`;
    case 'hwk': {
      const { kty, crv, x, y, n, e, alg } = input.jwk ?? {};
      return `${label}\nhwk\n${JSON.stringify([kty, crv, x, y, n, e, alg])}`;
    }
    default:
      return undefined;
  }
}

interface JwtHeaderEntry {
  label: string;
  scheme: string;
  cache: boolean;
  value: string;
}

/**
 * Headers for `jwt`/`jkt-jwt` members keyed by the token itself: a client re-sends the same token
 * string, whose hash V8 keeps, so a hit costs no pass over the ~1 KB token (objectKey builds a new
 * string around it, which must be hashed again on every request).
 */
const fromJwts = new LruCache<string, JwtHeaderEntry>(CACHE_SIZE);

function fromJwtMember(input: JwtSignatureKey | JktJwtSignatureKey, label: string): string {
  const cache = input.cache === true;
  const hit = fromJwts.get(input.jwt);
  if (hit !== undefined && hit.label === label && hit.scheme === input.scheme && hit.cache === cache) {
    return hit.value;
  }
  const value = serializeSignatureKey(new Map([[label, input]]));
  fromJwts.set(input.jwt, { label, scheme: input.scheme, cache, value });
  return value;
}

function fromObject(input: KnownSignatureKey, label: string): string {
  if ((input.scheme === 'jwt' || input.scheme === 'jkt-jwt') && typeof input.jwt === 'string') {
    return fromJwtMember(input, label);
  }
  const key = objectKey(input, label);
  if (key !== undefined) {
    const hit = fromObjects.get(key);
    if (hit !== undefined) return hit;
  }
  const value = serializeSignatureKey(new Map([[label, input]]));
  if (key !== undefined) fromObjects.set(key, value);
  return value;
}

/**
 * The `Signature-Key` header value for `label`: a member object is serialized, a member value string is
 * prefixed with `label=`, a full header string is sent verbatim once it is known to have a member for
 * `label`. Throws InvalidArgumentError for anything else.
 */
export function signatureKeyHeader(input: string | KnownSignatureKey, label: string): string {
  if (typeof input === 'string') {
    if (input.length === 0) throw new InvalidArgumentError('options.signatureKey is empty');
    return fromString(input, label);
  }
  if (typeof input === 'object' && input !== null) return fromObject(input, label);
  throw new InvalidArgumentError('options.signatureKey must be a string or a Signature-Key member object');
}
