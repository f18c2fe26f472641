/**
 * `AAuth-Capabilities` request header (P11 #aauth-capabilities): an RFC 9651 List of Tokens naming what
 * the agent can do (`interaction`, `clarification`, `payment`). Receivers ignore unknown values and
 * parameters; an absent header means no capabilities.
 */
import { CAPABILITY, HEADER } from '../constants.js';
import { HeaderParseError } from '../errors.js';
import { isInnerList, parseSfList, serializeTokenList, tokenText } from './sf.js';

export type Capability = (typeof CAPABILITY)[keyof typeof CAPABILITY];

const KNOWN_CAPABILITIES: ReadonlySet<string> = new Set(Object.values(CAPABILITY));

/** True for the -11 capability values; case-sensitive. */
export function isCapability(value: string): value is Capability {
  return KNOWN_CAPABILITIES.has(value);
}

/**
 * Parse strictly: the known capabilities, in order, without duplicates. Unknown tokens, non-Token
 * members and parameters are ignored (P11).
 * @throws HeaderParseError when the value is not an RFC 9651 List.
 */
export function parseCapabilities(value: string): Capability[] {
  const out: Capability[] = [];
  for (const member of parseSfList(HEADER.aauthCapabilities, value)) {
    if (isInnerList(member)) continue;
    const text = tokenText(member[0]);
    if (text !== undefined && isCapability(text) && !out.includes(text)) out.push(text);
  }
  return out;
}

/**
 * Parse tolerantly, as a resource reading a request should: an absent or malformed header means no
 * capabilities (the behaviour of the packages-js SDK), never an error.
 */
export function readCapabilities(value: string | null | undefined): Capability[] {
  if (value === null || value === undefined) return [];
  try {
    return parseCapabilities(value);
  } catch (error) {
    if (error instanceof HeaderParseError) return [];
    throw error;
  }
}

/**
 * Serialize capabilities (`interaction, payment`). Blank entries are skipped and duplicates removed;
 * unknown values that are valid Tokens are kept (receivers ignore them). Returns `''` when nothing is
 * left: send no header then.
 * @throws InvalidArgumentError for an entry that is not an RFC 9651 Token.
 */
export function serializeCapabilities(values: Iterable<string>): string {
  return serializeTokenList('AAuth-Capabilities', values, { skipBlank: true });
}
