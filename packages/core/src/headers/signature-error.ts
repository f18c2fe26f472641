/**
 * `Signature-Error` response header (SK08 §5): an RFC 9651 Dictionary with an `error` Token and, for
 * `invalid_input`, `required_input` as an Inner List of Strings naming the components to cover. The
 * header is authoritative; clients must not depend on the body.
 */
import { type Dictionary, type InnerList, type Item, serializeDictionary } from 'structured-headers';
import { HEADER, type SignatureErrorCode } from '../constants.js';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { isInnerList, parseSfDictionary, serializeOrThrow, tokenText, toToken } from './sf.js';

const HEADER_NAME = 'Signature-Error';
const MEMBER = { error: 'error', requiredInput: 'required_input' } as const;

export interface SignatureErrorHeader {
  /** The error Token; codes this library does not know are kept verbatim. */
  error: SignatureErrorCode | string;
  /** Components the server requires (`invalid_input`). */
  requiredInput?: string[];
  /**
   * Members other than `error` and `required_input`, kept as parsed RFC 9651 values so a future
   * member survives a parse/serialize round trip. Ignored for decisions.
   */
  extensions?: Dictionary;
}

function fail(message: string): HeaderParseError {
  return new HeaderParseError(HEADER.signatureError, `${HEADER_NAME}: ${message}`);
}

function readRequiredInput(member: Item | InnerList): string[] {
  if (!isInnerList(member)) throw fail('required_input must be an Inner List of Strings');
  const components: string[] = [];
  for (const [value] of member[0]) {
    if (typeof value !== 'string') throw fail('required_input must contain only Strings');
    components.push(value);
  }
  return components;
}

/**
 * Parse a `Signature-Error` value.
 * @throws HeaderParseError when malformed, when `error` is absent or not a Token, or when
 * `required_input` is not an Inner List of Strings.
 */
export function parseSignatureError(value: string): SignatureErrorHeader {
  const dictionary = parseSfDictionary(HEADER.signatureError, value);
  const errorMember = dictionary.get(MEMBER.error);
  if (errorMember === undefined) throw fail('no error member');
  const error = isInnerList(errorMember) ? undefined : tokenText(errorMember[0]);
  if (error === undefined) throw fail('error must be a Token');

  const parsed: SignatureErrorHeader = { error };
  const requiredInput = dictionary.get(MEMBER.requiredInput);
  if (requiredInput !== undefined) parsed.requiredInput = readRequiredInput(requiredInput);

  let extensions: Dictionary | undefined;
  for (const [name, member] of dictionary) {
    if (name === MEMBER.error || name === MEMBER.requiredInput) continue;
    extensions ??= new Map();
    extensions.set(name, member);
  }
  if (extensions !== undefined) parsed.extensions = extensions;
  return parsed;
}

/**
 * Serialize in canonical RFC 9651 form: `error=invalid_input, required_input=("@method" "@path")`,
 * then any extensions in order.
 * @throws InvalidArgumentError when `error` is not a Token, a component is not an ASCII string, or an
 * extension reuses `error` / `required_input`.
 */
export function serializeSignatureError(header: SignatureErrorHeader): string {
  const dictionary: Dictionary = new Map();
  dictionary.set(MEMBER.error, [toToken('Signature-Error error', header?.error), new Map()]);
  if (header.requiredInput !== undefined) {
    if (!Array.isArray(header.requiredInput)) {
      throw new InvalidArgumentError('Signature-Error requiredInput must be an array of strings');
    }
    const items: Item[] = header.requiredInput.map((component: unknown) => {
      if (typeof component !== 'string') {
        throw new InvalidArgumentError('Signature-Error requiredInput entries must be strings');
      }
      return [component, new Map()];
    });
    dictionary.set(MEMBER.requiredInput, [items, new Map()]);
  }
  for (const [name, member] of header.extensions ?? []) {
    if (dictionary.has(name)) {
      throw new InvalidArgumentError(`Signature-Error extension "${name}" shadows a defined member`);
    }
    dictionary.set(name, member);
  }
  return serializeOrThrow(HEADER_NAME, () => serializeDictionary(dictionary));
}
