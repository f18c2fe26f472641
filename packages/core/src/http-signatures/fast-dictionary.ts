/**
 * A strict fast path for the RFC 9651 Dictionaries on the verification hot path (`Signature-Input`,
 * `Signature`, `Content-Digest`), in front of `structured-headers`, whose character-by-character parser
 * costs several microseconds per header.
 *
 * The fast path accepts only a narrow, canonical subset of the grammar and answers `undefined` for
 * anything else, which then goes to the library. The subset (what our signer and every mainstream signer
 * emits) is chosen so that the library parses each accepted input to the very same value:
 *
 *   dictionary = member *( ", " member )                 distinct keys, no leading/trailing space
 *   member     = key "=" ( inner-list / item ) params
 *   inner-list = "(" [ string *( " " string ) ] ")"     items carry no parameters
 *   item       = byte-sequence / string / integer
 *   params     = *( ";" key "=" ( integer / string ) )  distinct keys
 *   string     = DQUOTE *( %x20-21 / %x23-5B / %x5D-7E ) DQUOTE      no escapes
 *   integer    = "0" / %x31-39 *14DIGIT                   no sign, no leading zero, no decimal point
 *   byte-seq   = ":" padded standard base64 ":"           length a multiple of 4
 *
 * Byte Sequences come back as a Uint8Array of their own rather than an ArrayBuffer (see decodeBase64);
 * the consumers accept both.
 *
 * Everything else (whitespace variants, escapes, tokens, booleans, decimals, negative numbers, item
 * parameters inside inner lists, repeated keys, non-ASCII, errors) falls back, so a disagreement can only
 * cost speed. The tests check the two parsers agree on a corpus and on random mutations of it.
 */
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
} from 'structured-headers';

const hasBuffer = typeof globalThis.Buffer === 'function';

const EQUALS = 61;
const OPEN = 40;
const CLOSE = 41;
const QUOTE = 34;
const BACKSLASH = 92;
const SPACE = 32;
const SEMICOLON = 59;
const COMMA = 44;
const COLON = 58;

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 42; // a-z *
}

function isKeyChar(c: number): boolean {
  // a-z 0-9 _ - . *
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || c === 42;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBase64Char(c: number): boolean {
  // A-Z a-z 0-9 + /
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * Decodes canonical padded base64 into an exactly sized Uint8Array of its own. Not an ArrayBuffer as the
 * library returns: allocating an ArrayBuffer costs about a microsecond in V8, while a typed array of up to
 * 64 bytes (a signature, a digest) lives on the JS heap.
 */
function decodeBase64(text: string, padding: number): Uint8Array<ArrayBuffer> {
  if (hasBuffer) return new Uint8Array(Buffer.from(text, 'base64'));
  const length = (text.length / 4) * 3 - padding;
  const binary = atob(text);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A cursor over one header value; every `read*` returns undefined (give up) or advances `pos`. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  code(): number {
    return this.text.charCodeAt(this.pos); // NaN past the end: never equal to any code below
  }

  key(): string | undefined {
    const start = this.pos;
    if (!isKeyStart(this.code())) return undefined;
    this.pos++;
    while (isKeyChar(this.code())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  string(): string | undefined {
    const text = this.text;
    const start = ++this.pos; // past the opening quote
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) break;
      // Escapes, control characters, DEL, non-ASCII and the end of input all take the library path.
      if (c === BACKSLASH || !(c >= 0x20 && c <= 0x7e)) return undefined;
      this.pos++;
    }
    const value = text.slice(start, this.pos);
    this.pos++; // past the closing quote
    return value;
  }

  integer(): number | undefined {
    const text = this.text;
    const start = this.pos;
    if (this.code() === 48 /* 0 */) {
      this.pos++;
    } else {
      while (isDigit(this.code())) this.pos++;
    }
    const length = this.pos - start;
    // A leading zero ("007") or a sixteenth digit takes the library path (which rejects the latter).
    if (length === 0 || length > 15 || isDigit(this.code()) || this.code() === 46 /* . */) return undefined;
    return Number(text.slice(start, this.pos));
  }

  byteSequence(): Uint8Array<ArrayBuffer> | undefined {
    const text = this.text;
    const start = ++this.pos; // past the opening colon
    while (isBase64Char(text.charCodeAt(this.pos))) this.pos++;
    let padding = 0;
    while (padding < 2 && text.charCodeAt(this.pos) === EQUALS) {
      this.pos++;
      padding++;
    }
    const length = this.pos - start;
    if (text.charCodeAt(this.pos) !== COLON || length % 4 !== 0) return undefined;
    const b64 = text.slice(start, this.pos);
    this.pos++; // past the closing colon
    return decodeBase64(b64, padding);
  }

  /** An Integer or a String. */
  bareParameterValue(): BareItem | undefined {
    const c = this.code();
    if (c === QUOTE) return this.string();
    if (isDigit(c)) return this.integer();
    return undefined;
  }

  parameters(): Parameters | undefined {
    const params: Parameters = new Map();
    while (this.code() === SEMICOLON) {
      this.pos++;
      const name = this.key();
      if (name === undefined || this.code() !== EQUALS || params.has(name)) return undefined;
      this.pos++;
      const value = this.bareParameterValue();
      if (value === undefined) return undefined;
      params.set(name, value);
    }
    return params;
  }

  innerList(): Item[] | undefined {
    this.pos++; // past "("
    const items: Item[] = [];
    if (this.code() === CLOSE) {
      this.pos++;
      return items;
    }
    for (;;) {
      if (this.code() !== QUOTE) return undefined;
      const value = this.string();
      if (value === undefined) return undefined;
      items.push([value, new Map()]);
      const c = this.code();
      this.pos++;
      if (c === CLOSE) return items;
      if (c !== SPACE) return undefined;
    }
  }

  member(): Item | InnerList | undefined {
    if (this.code() === OPEN) {
      const items = this.innerList();
      if (items === undefined) return undefined;
      const params = this.parameters();
      return params === undefined ? undefined : [items, params];
    }
    const value = this.bareItem();
    if (value === undefined) return undefined;
    const params = this.parameters();
    return params === undefined ? undefined : [value, params];
  }

  /** A Byte Sequence, a String or an Integer. */
  bareItem(): BareItem | undefined {
    const c = this.code();
    if (c === COLON) return this.byteSequence();
    if (c === QUOTE) return this.string();
    if (isDigit(c)) return this.integer();
    return undefined;
  }
}

/**
 * Parses `value` when it lies in the canonical subset described above, giving exactly what
 * `structured-headers`' `parseDictionary` gives (Byte Sequences as Uint8Array); `undefined` otherwise
 * (the caller then uses the library).
 */
export function parseCanonicalDictionary(value: string): Dictionary | undefined {
  if (typeof value !== 'string') return undefined;
  const scanner = new Scanner(value);
  const dictionary: Dictionary = new Map();
  for (;;) {
    const key = scanner.key();
    if (key === undefined || scanner.code() !== EQUALS || dictionary.has(key)) return undefined;
    scanner.pos++;
    const member = scanner.member();
    if (member === undefined) return undefined;
    dictionary.set(key, member);
    if (scanner.pos === value.length) return dictionary;
    if (scanner.code() !== COMMA || value.charCodeAt(scanner.pos + 1) !== SPACE) return undefined;
    scanner.pos += 2;
  }
}

/**
 * `parseDictionary` with the canonical fast path in front; throws what the library throws. A Byte
 * Sequence is an ArrayBuffer or a Uint8Array: read it with {@link byteSequenceBytes}.
 */
export function parseDictionaryFast(value: string): Dictionary {
  return parseCanonicalDictionary(value) ?? parseDictionary(value);
}

/** The bytes of a parsed Byte Sequence (either representation), or undefined for any other item. */
export function byteSequenceBytes(value: BareItem): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}
