/**
 * The verifier's fastest path: `Signature-Input` and `Signature` exactly as AAuth signers write them, one
 * member each, read without building structured-field values:
 *
 *   Signature-Input: <label>=("<c1>" "<c2>" ...);created=<int>[;expires=<int>]
 *   Signature:       <label>=:<padded base64>:
 *
 * Both forms are strict subsets of what parseCanonicalDictionary accepts (same characters, integers
 * without sign or leading zero, no escapes, single spaces), so structured-headers reads them to the same
 * values; the tests check that, and that `signatureParams`, the member text itself, is what
 * serializeReceivedSignatureParams would write. Anything else (several members, other parameters, an
 * incomplete member) answers `undefined`, and the verifier takes the general path, which also produces
 * the errors.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const hasBuffer = typeof globalThis.Buffer === 'function';

/** A checked Signature-Input member: covered components, `created`, `expires`, `@signature-params`. */
export interface CanonicalSignatureInput {
  components: string[];
  created: number;
  expires: number | undefined;
  /** The member value, which for this form is already its canonical serialization. */
  signatureParams: string;
}

/** RFC 9651 key: the label must be one for the prefix match to mean what the parser would read. */
function isKey(label: string): boolean {
  if (label.length === 0) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    const lower = c >= 97 && c <= 122;
    if (!(lower || c === 42 || (i > 0 && ((c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46)))) {
      return false;
    }
  }
  return true;
}

/** `<label>=` at the start of `value`, for a label that is a key. */
function hasLabelPrefix(value: string, label: string): boolean {
  return (
    value.length > label.length &&
    value.charCodeAt(label.length) === 61 /* = */ &&
    value.startsWith(label) &&
    isKey(label)
  );
}

/** A non-negative Integer without leading zero (1 to 15 digits) spanning `[start, end)`, else -1. */
function readInteger(value: string, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > 15) return -1;
  if (length > 1 && value.charCodeAt(start) === 48 /* 0 */) return -1;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(value.slice(start, end));
}

const CREATED = ';created=';
const EXPIRES = ';expires=';

export function readCanonicalSignatureInput(
  value: string,
  label: string,
): CanonicalSignatureInput | undefined {
  if (!hasLabelPrefix(value, label)) return undefined;
  let pos = label.length + 1;
  if (value.charCodeAt(pos) !== 40 /* ( */) return undefined;
  pos++;
  const components: string[] = [];
  if (value.charCodeAt(pos) === 41 /* ) */) {
    pos++;
  } else {
    for (;;) {
      if (value.charCodeAt(pos) !== QUOTE) return undefined;
      const start = ++pos;
      for (;;) {
        const c = value.charCodeAt(pos);
        if (c === QUOTE) break;
        if (c === BACKSLASH || !(c >= 0x20 && c <= 0x7e)) return undefined;
        pos++;
      }
      components.push(value.slice(start, pos));
      pos++;
      const next = value.charCodeAt(pos);
      pos++;
      if (next === 41 /* ) */) break;
      if (next !== 32 /* space */) return undefined;
    }
  }
  if (!value.startsWith(CREATED, pos)) return undefined;
  pos += CREATED.length;
  const expiresAt = value.indexOf(EXPIRES, pos);
  const createdEnd = expiresAt === -1 ? value.length : expiresAt;
  const created = readInteger(value, pos, createdEnd);
  if (created < 0) return undefined;
  let expires: number | undefined;
  if (expiresAt !== -1) {
    expires = readInteger(value, expiresAt + EXPIRES.length, value.length);
    if (expires < 0) return undefined;
  }
  return { components, created, expires, signatureParams: value.slice(label.length + 1) };
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * The signature bytes of `<label>=:<padded base64>:` (non-empty), as a view into Buffer's pool: node:crypto
 * reads it directly, whereas a small Uint8Array of its own lives on the JS heap and would first be moved
 * into a new ArrayBuffer (about a microsecond). Copy it before handing it to callers.
 */
export function readCanonicalSignature(value: string, label: string): Uint8Array | undefined {
  if (!hasBuffer || !hasLabelPrefix(value, label)) return undefined;
  const start = label.length + 2;
  const end = value.length - 1;
  if (value.charCodeAt(start - 1) !== 58 /* : */ || value.charCodeAt(end) !== 58 || end <= start) {
    return undefined;
  }
  const length = end - start;
  if (length % 4 !== 0) return undefined;
  // Padding: at most two "=", only at the end.
  let dataEnd = end;
  if (value.charCodeAt(dataEnd - 1) === 61 /* = */) dataEnd--;
  if (value.charCodeAt(dataEnd - 1) === 61) dataEnd--;
  for (let i = start; i < dataEnd; i++) if (!isBase64Char(value.charCodeAt(i))) return undefined;
  return Buffer.from(value.slice(start, end), 'base64');
}
