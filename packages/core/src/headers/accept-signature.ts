/**
 * `Accept-Signature-Scheme` and `Accept-Signature-Alg` response headers (SK08 §5.3): RFC 9651 Lists of
 * Tokens. Schemes are in server preference order (non-binding); algorithms are JOSE names verbatim
 * (`Ed25519, ES256`) and are exactly the accepted set.
 */
import { HEADER } from '../constants.js';
import { HeaderParseError } from '../errors.js';
import { isInnerList, parseSfList, serializeTokenList, tokenText } from './sf.js';

function parseTokenList(header: string, value: string): string[] {
  const out: string[] = [];
  for (const member of parseSfList(header, value)) {
    const text = isInnerList(member) ? undefined : tokenText(member[0]);
    if (text === undefined) throw new HeaderParseError(header, `${header} must be a List of Tokens`);
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * Parse `Accept-Signature-Scheme` (e.g. `jwt`): the schemes in order, duplicates removed, parameters
 * ignored.
 * @throws HeaderParseError when malformed or a member is not a Token.
 */
export function parseAcceptSignatureScheme(value: string): string[] {
  return parseTokenList(HEADER.acceptSignatureScheme, value);
}

/**
 * Serialize `Accept-Signature-Scheme` (duplicates removed; `''` for an empty list).
 * @throws InvalidArgumentError for a value that is not an RFC 9651 Token.
 */
export function serializeAcceptSignatureScheme(schemes: Iterable<string>): string {
  return serializeTokenList(HEADER.acceptSignatureScheme, schemes);
}

/**
 * Parse `Accept-Signature-Alg` (e.g. `Ed25519, ES256`): JOSE algorithm names, case preserved.
 * @throws HeaderParseError when malformed or a member is not a Token.
 */
export function parseAcceptSignatureAlg(value: string): string[] {
  return parseTokenList(HEADER.acceptSignatureAlg, value);
}

/**
 * Serialize `Accept-Signature-Alg` (duplicates removed; `''` for an empty list).
 * @throws InvalidArgumentError for a value that is not an RFC 9651 Token.
 */
export function serializeAcceptSignatureAlg(algs: Iterable<string>): string {
  return serializeTokenList(HEADER.acceptSignatureAlg, algs);
}
