/**
 * Interaction codes (P11 #interaction-code-format): Crockford base32 over at least 40 CSPRNG bits, shown
 * with optional hyphens (`A1B2-C3D4`). Comparison strips hyphens, ignores case and folds the look-alikes
 * `I`/`L` to `1` and `O` to `0`. A code is a correlation id, never an authorization.
 */
import { InvalidArgumentError } from '../errors.js';

export const INTERACTION_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The draft's floor on code entropy. */
export const MIN_INTERACTION_CODE_BITS = 40;
const MAX_INTERACTION_CODE_BITS = 320;
const GROUP = 4;

/** Canonical symbol for each ASCII code point, or 0 when the character is not allowed. */
const CANONICAL = new Uint8Array(128);
for (const symbol of INTERACTION_CODE_ALPHABET) {
  CANONICAL[symbol.charCodeAt(0)] = symbol.charCodeAt(0);
  CANONICAL[symbol.toLowerCase().charCodeAt(0)] = symbol.charCodeAt(0);
}
for (const [lookAlike, symbol] of [
  ['I', '1'],
  ['L', '1'],
  ['O', '0'],
] as const) {
  CANONICAL[lookAlike.charCodeAt(0)] = symbol.charCodeAt(0);
  CANONICAL[lookAlike.toLowerCase().charCodeAt(0)] = symbol.charCodeAt(0);
}
const HYPHEN = '-'.charCodeAt(0);

function group(canonical: string): string {
  let out = '';
  for (let i = 0; i < canonical.length; i += GROUP) {
    out += (i === 0 ? '' : '-') + canonical.slice(i, i + GROUP);
  }
  return out;
}

/**
 * A fresh code of `ceil(bits / 5)` symbols from `crypto.getRandomValues`, grouped by four with hyphens
 * (`XXXX-XXXX` for the default 40 bits).
 * @throws InvalidArgumentError when `bits` is not an integer in 40..320.
 */
export function generateInteractionCode(bits: number = MIN_INTERACTION_CODE_BITS): string {
  if (!Number.isInteger(bits) || bits < MIN_INTERACTION_CODE_BITS || bits > MAX_INTERACTION_CODE_BITS) {
    throw new InvalidArgumentError(
      `interaction code bits must be an integer from ${MIN_INTERACTION_CODE_BITS} to ${MAX_INTERACTION_CODE_BITS}`,
    );
  }
  const random = crypto.getRandomValues(new Uint8Array(Math.ceil(bits / 5)));
  let canonical = '';
  // 256 is a multiple of 32, so the low five bits of a uniform byte are a uniform symbol.
  for (const byte of random) canonical += INTERACTION_CODE_ALPHABET[byte & 31];
  return group(canonical);
}

/**
 * The comparison form: hyphens removed, upper case, `I`/`L` → `1`, `O` → `0`.
 * @throws InvalidArgumentError when nothing is left or a character is outside the Crockford alphabet.
 */
export function canonicalizeInteractionCode(input: string): string {
  if (typeof input !== 'string') throw new InvalidArgumentError('interaction code must be a string');
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const unit = input.charCodeAt(i);
    if (unit === HYPHEN) continue;
    const symbol = unit < 128 ? CANONICAL[unit]! : 0;
    if (symbol === 0)
      throw new InvalidArgumentError('interaction code has a character outside Crockford base32');
    out += String.fromCharCode(symbol);
  }
  if (out.length === 0) throw new InvalidArgumentError('interaction code is empty');
  return out;
}

/**
 * The display form: canonicalized, then grouped by four with hyphens (`a1b2c3d4` → `A1B2-C3D4`).
 * @throws InvalidArgumentError as {@link canonicalizeInteractionCode}.
 */
export function formatInteractionCode(input: string): string {
  return group(canonicalizeInteractionCode(input));
}

/** True when two codes are equal after canonicalization; false when either is not a valid code. */
export function interactionCodesEqual(a: string, b: string): boolean {
  let left: string;
  let right: string;
  try {
    left = canonicalizeInteractionCode(a);
    right = canonicalizeInteractionCode(b);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return false;
    throw error;
  }
  if (left.length !== right.length) return false;
  // Constant time over the symbols, so response timing does not help guessing.
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left.charCodeAt(i) ^ right.charCodeAt(i);
  return difference === 0;
}
