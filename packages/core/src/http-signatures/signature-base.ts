/**
 * RFC 9421 §2.5 signature base: one `"<component>": <value>` line per covered component, then the
 * `"@signature-params"` line, LF-joined, no trailing LF. The `@signature-params` value is the serialized
 * Inner List that also goes into `Signature-Input`; it is written directly here (fast path) and checked
 * against `structured-headers` in the tests.
 */
import { type InnerList, serializeInnerList, Token } from 'structured-headers';
import { COMPONENT } from '../constants.js';
import { InvalidArgumentError } from '../errors.js';
import { NormalizedMessage, normalizeRequestLike } from './message.js';
import type { HttpRequestLike } from './types.js';

/** Signature parameters this library writes (RFC 9421 §2.3), in the order they are serialized. */
export interface SignatureParams {
  created: number;
  expires?: number;
  /** Never sent by the AAuth signer; accepted here to reproduce RFC 9421 examples. */
  keyid?: string;
  /** Never sent by the AAuth signer (RFC 9421 §3.3.7: JOSE algorithms are signalled by the key). */
  alg?: string;
  nonce?: string;
  tag?: string;
}

export interface SignatureBase {
  /** The signature base (what is signed), without trailing LF. */
  base: string;
  /** The serialized Inner List: `Signature-Input` member value and `@signature-params` value. */
  signatureParams: string;
}

/** Derived components this library computes for requests (RFC 9421 §2.2). */
const DERIVED: ReadonlySet<string> = new Set([
  COMPONENT.method,
  COMPONENT.authority,
  COMPONENT.path,
  COMPONENT.query,
  COMPONENT.targetUri,
  COMPONENT.scheme,
  COMPONENT.requestTarget,
]);

/** A lowercase HTTP field name (RFC 9110 token characters). */
const FIELD_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** SF String content: printable ASCII (RFC 9651 §3.3.3). */
const SF_STRING = /^[\x20-\x7e]*$/;
/** Component values must stay on one line of printable ASCII (or HTAB) so the base cannot be forged. */
const UNSAFE_VALUE = /[^\x20-\x7e\t]/;
const SF_INTEGER_MAX = 999_999_999_999_999;
/** Component lists up to this long are checked for duplicates by scanning. */
const SMALL_LIST = 16;

/**
 * Checks a covered-component list: known derived components or lowercase field names, no duplicates,
 * never `@signature-params`. Throws InvalidArgumentError.
 */
export function checkComponents(components: readonly string[]): void {
  if (!Array.isArray(components)) throw new InvalidArgumentError('covered components must be an array');
  // A Set keeps the duplicate check linear for a hostile Signature-Input listing thousands of
  // components; a usual list (under a dozen) is cheaper to scan than to hash into a Set.
  const seen = components.length > SMALL_LIST ? new Set<string>() : undefined;
  for (let i = 0; i < components.length; i++) {
    const component: unknown = components[i];
    if (typeof component !== 'string') throw new InvalidArgumentError('covered component must be a string');
    if (component.charCodeAt(0) === 64 /* @ */) {
      if (!DERIVED.has(component))
        throw new InvalidArgumentError(`unsupported derived component "${component}"`);
    } else if (!FIELD_NAME.test(component)) {
      throw new InvalidArgumentError(`covered component "${component}" is not a lowercase field name`);
    }
    if (seen === undefined ? components.indexOf(component) !== i : seen.has(component))
      throw new InvalidArgumentError(`covered component "${component}" is listed twice`);
    seen?.add(component);
  }
}

/** The value of one covered component. Throws InvalidArgumentError when a covered field is absent. */
export function componentValue(component: string, message: NormalizedMessage): string {
  switch (component) {
    case COMPONENT.method:
      return message.method;
    case COMPONENT.authority:
      return message.authority;
    case COMPONENT.path:
      return message.path;
    case COMPONENT.query:
      // RFC 9421 §2.2.7: an absent query is the lone "?".
      return message.query ?? '?';
    case COMPONENT.targetUri:
      return message.targetUri;
    case COMPONENT.scheme:
      return message.scheme;
    case COMPONENT.requestTarget:
      return message.requestTarget;
  }
  const value = message.header(component);
  if (value === undefined) throw new InvalidArgumentError(`covered header "${component}" is absent`);
  return value;
}

function serializeInteger(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > SF_INTEGER_MAX) {
    throw new InvalidArgumentError(`signature parameter "${name}" must be a non-negative integer`);
  }
  return `;${name}=${value}`;
}

function serializeString(name: string, value: string): string {
  if (typeof value !== 'string' || !SF_STRING.test(value)) {
    throw new InvalidArgumentError(`signature parameter "${name}" must be printable ASCII`);
  }
  return `;${name}="${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Serializes the Inner List `("c1" "c2" ...);created=..;expires=..;keyid=..;alg=..;nonce=..;tag=..`.
 * Components must already have passed checkComponents (their characters need no escaping).
 */
export function serializeSignatureParams(components: readonly string[], params: SignatureParams): string {
  let out = '(';
  for (let i = 0; i < components.length; i++) out += i === 0 ? `"${components[i]}"` : ` "${components[i]}"`;
  out += `)${serializeInteger('created', params.created)}`;
  if (params.expires !== undefined) out += serializeInteger('expires', params.expires);
  if (params.keyid !== undefined) out += serializeString('keyid', params.keyid);
  if (params.alg !== undefined) out += serializeString('alg', params.alg);
  if (params.nonce !== undefined) out += serializeString('nonce', params.nonce);
  if (params.tag !== undefined) out += serializeString('tag', params.tag);
  return out;
}

/**
 * Re-serializes a parsed `Signature-Input` member (RFC 9421 §2.3: the verifier's `@signature-params`
 * is the canonical serialization of what it received). Components are checked field names (no
 * escaping needed); Integer, String, Token and Boolean parameters are written directly, exactly as
 * `structured-headers` would; any other parameter type takes the library path.
 */
export function serializeReceivedSignatureParams(
  components: readonly string[],
  innerList: InnerList,
): string {
  let out = '(';
  for (let i = 0; i < components.length; i++) out += i === 0 ? `"${components[i]}"` : ` "${components[i]}"`;
  out += ')';
  for (const [name, value] of innerList[1]) {
    if (value === true) out += `;${name}`;
    else if (value === false) out += `;${name}=?0`;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) out += `;${name}=${value}`;
    else if (typeof value === 'string') out += `;${name}="${value.replace(/[\\"]/g, '\\$&')}"`;
    else if (value instanceof Token) out += `;${name}=${value.toString()}`;
    else return serializeInnerList(innerList);
  }
  return out;
}

/**
 * Builds the base for already-checked components and an already-serialized `@signature-params` value
 * (the verifier passes the re-serialized Inner List it received). Throws InvalidArgumentError.
 */
export function buildSignatureBase(
  components: readonly string[],
  signatureParams: string,
  message: NormalizedMessage,
): string {
  let base = '';
  for (const component of components) {
    const value = componentValue(component, message);
    if (!isSafeValue(value)) {
      throw new InvalidArgumentError(`covered component "${component}" has a value outside printable ASCII`);
    }
    base += `"${component}": ${value}\n`;
  }
  return `${base}"@signature-params": ${signatureParams}`;
}

/** Values at least this long are remembered once checked (in practice: the Signature-Key with its JWT). */
const MEMO_MIN_LENGTH = 256;
/** The last long value found safe. Equal strings are equally safe; comparing is far cheaper than the scan. */
let lastSafeLongValue = '';

function isSafeValue(value: string): boolean {
  if (value.length < MEMO_MIN_LENGTH) return !UNSAFE_VALUE.test(value);
  if (value === lastSafeLongValue) return true;
  if (UNSAFE_VALUE.test(value)) return false;
  lastSafeLongValue = value;
  return true;
}

/**
 * RFC 9421 §2.5 signature base for `components` and `params` over `message`. Throws
 * InvalidArgumentError for an absent covered header, a duplicate or unsupported component, or a bad
 * parameter.
 */
export function createSignatureBase(
  components: readonly string[],
  params: SignatureParams,
  message: NormalizedMessage | HttpRequestLike,
): SignatureBase {
  checkComponents(components);
  const normalized = message instanceof NormalizedMessage ? message : normalizeRequestLike(message);
  const signatureParams = serializeSignatureParams(components, params);
  return { base: buildSignatureBase(components, signatureParams, normalized), signatureParams };
}
