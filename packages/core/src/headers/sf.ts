/**
 * Internal glue between `structured-headers` (RFC 9651) and the AAuth header codecs: every parse goes
 * through here so that any failure, whatever the input, surfaces as a `HeaderParseError` naming the header.
 * Not exported from the package.
 */
import {
  type BareItem,
  type Dictionary,
  DisplayString,
  type InnerList,
  type Item,
  isValidTokenStr,
  type List,
  type Parameters,
  parseDictionary,
  parseList,
  SerializeError,
  serializeList,
  Token,
} from 'structured-headers';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { encodeBase64 } from '../util/base64.js';

/**
 * Refuse field values longer than this before parsing. Node's default total header limit is 16 KiB, so
 * legitimate values (a JWT in Signature-Key or resource-token) fit with a wide margin; the bound keeps a
 * hostile multi-megabyte value from costing more than a fraction of a millisecond.
 */
export const MAX_FIELD_LENGTH = 64 * 1024;

/** A parameter or extension value reduced to plain JSON-like data. */
export type PlainValue = string | number | boolean;

// RFC 9110 §5.5: a recipient replaces each obs-fold (CRLF followed by SP/HTAB) with SP before interpreting.
const OBS_FOLD = /\r?\n[ \t]+/g;

function prepare(header: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new HeaderParseError(header, `${header} value must be a string, got ${typeof value}`);
  }
  if (value.length > MAX_FIELD_LENGTH) {
    throw new HeaderParseError(header, `${header} value is too long (${value.length} > ${MAX_FIELD_LENGTH})`);
  }
  return value.includes('\n') ? value.replace(OBS_FOLD, ' ') : value;
}

function malformed(header: string, cause: unknown): HeaderParseError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HeaderParseError(header, `malformed ${header} structured field: ${detail}`, { cause });
}

/**
 * The parser builds Strings one character at a time, which V8 keeps as a rope of one node per
 * character. A rope that outlives the request (a memo entry, a token cache key) costs the GC dearly on
 * promotion: measured, a retained 1 KB JWT rope made a memoized parse 3-5x slower. Reading a character
 * makes V8 flatten the rope in place; other engines are unaffected.
 */
function flatten(value: BareItem): void {
  if (typeof value === 'string') value.charCodeAt(0);
}

function flattenParameters(params: Parameters): void {
  for (const value of params.values()) flatten(value);
}

function flattenMember(member: Item | InnerList): void {
  if (isInnerList(member)) {
    for (const item of member[0]) {
      flatten(item[0]);
      flattenParameters(item[1]);
    }
  } else {
    flatten(member[0]);
  }
  flattenParameters(member[1]);
}

/** Parse an SF Dictionary; any failure (including non-string input) is a HeaderParseError. */
export function parseSfDictionary(header: string, value: unknown): Dictionary {
  const input = prepare(header, value);
  let dictionary: Dictionary;
  try {
    dictionary = parseDictionary(input);
  } catch (cause) {
    throw malformed(header, cause);
  }
  for (const member of dictionary.values()) flattenMember(member);
  return dictionary;
}

/** Parse an SF List; any failure (including non-string input) is a HeaderParseError. */
export function parseSfList(header: string, value: unknown): List {
  const input = prepare(header, value);
  let list: List;
  try {
    list = parseList(input);
  } catch (cause) {
    throw malformed(header, cause);
  }
  for (const member of list) flattenMember(member);
  return list;
}

export function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

/** The Token's text, or undefined when the bare item is not a Token. */
export function tokenText(value: BareItem): string | undefined {
  return value instanceof Token ? value.toString() : undefined;
}

/**
 * A bare item as plain data: Strings, Tokens and Display Strings become strings, Integers and Decimals
 * numbers, Booleans booleans, Dates epoch seconds, Byte Sequences standard base64. Lossy by design: it
 * feeds `params` records whose consumers only look values up, never re-serialize them.
 */
export function toPlainValue(value: BareItem): PlainValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Token || value instanceof DisplayString) return value.toString();
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (ArrayBuffer.isView(value)) {
    return encodeBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  return encodeBase64(new Uint8Array(value));
}

/** Run a structured-headers serializer, turning its errors into InvalidArgumentError. */
export function serializeOrThrow(what: string, serialize: () => string): string {
  try {
    return serialize();
  } catch (cause) {
    if (cause instanceof InvalidArgumentError) throw cause;
    const detail = cause instanceof SerializeError || cause instanceof Error ? cause.message : String(cause);
    throw new InvalidArgumentError(`cannot serialize ${what}: ${detail}`, { cause });
  }
}

/** A Token for serialization, or InvalidArgumentError naming what it was for. */
export function toToken(what: string, text: unknown): Token {
  if (typeof text !== 'string' || !isValidTokenStr(text)) {
    throw new InvalidArgumentError(`${what} must be an RFC 9651 Token, got ${describeValue(text)}`);
  }
  return new Token(text);
}

/** A short, never-throwing description of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
  return value === null ? 'null' : typeof value;
}

/**
 * Serialize strings as an RFC 9651 List of Tokens, duplicates removed, order kept. With `skipBlank`,
 * empty or whitespace-only entries are dropped instead of rejected.
 * @throws InvalidArgumentError for a non-iterable input or an entry that is not a Token.
 */
export function serializeTokenList(
  what: string,
  values: Iterable<string>,
  options: { skipBlank?: boolean } = {},
): string {
  if (values === null || typeof values !== 'object') {
    throw new InvalidArgumentError(`${what} values must be an iterable of strings`);
  }
  const seen = new Set<string>();
  const items: List = [];
  for (const value of values) {
    if (options.skipBlank === true && typeof value === 'string' && value.trim() === '') continue;
    const token = toToken(`${what} value`, value);
    if (seen.has(value)) continue;
    seen.add(value);
    items.push([token, new Map()]);
  }
  return serializeOrThrow(what, () => serializeList(items));
}
