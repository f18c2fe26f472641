import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import {
  canonicalizeInteractionCode,
  formatInteractionCode,
  generateInteractionCode,
  INTERACTION_CODE_ALPHABET,
  interactionCodesEqual,
} from './interaction-code.js';

describe('generateInteractionCode', () => {
  it('gives 8 Crockford symbols as XXXX-XXXX by default', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateInteractionCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(canonicalizeInteractionCode(code)).toBe(code.replace('-', ''));
    }
  });

  it('scales the length with the requested bits', () => {
    expect(canonicalizeInteractionCode(generateInteractionCode(64))).toHaveLength(13);
    expect(generateInteractionCode(41)).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
  });

  it('uses every symbol and does not repeat codes', () => {
    const seen = new Set<string>();
    const symbols = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateInteractionCode();
      seen.add(code);
      for (const symbol of code.replace('-', '')) symbols.add(symbol);
    }
    expect(seen.size).toBe(2000);
    expect(symbols.size).toBe(INTERACTION_CODE_ALPHABET.length);
  });

  it('refuses fewer than 40 bits or non-integers', () => {
    for (const bits of [39, 0, -1, 40.5, Number.NaN, 10_000]) {
      expect(() => generateInteractionCode(bits), String(bits)).toThrow(InvalidArgumentError);
    }
  });
});

describe('canonicalizeInteractionCode', () => {
  it('strips hyphens, uppercases and folds look-alikes', () => {
    expect(canonicalizeInteractionCode('a1b2-c3d4')).toBe('A1B2C3D4');
    expect(canonicalizeInteractionCode('i1l1-o0O0')).toBe('11110000');
    expect(formatInteractionCode('abcdefgh')).toBe('ABCD-EFGH');
  });

  it('refuses empty codes and characters outside the alphabet, including unicode look-alikes', () => {
    for (const input of ['', '--', 'ABCU', 'AB CD', '\u0131\u0131', 'ABC\u{1F600}', 'A_B']) {
      expect(() => canonicalizeInteractionCode(input), input).toThrow(InvalidArgumentError);
    }
  });
});

describe('interactionCodesEqual', () => {
  it('compares canonical forms', () => {
    expect(interactionCodesEqual('A1B2-C3D4', 'a1b2c3d4')).toBe(true);
    expect(interactionCodesEqual('0OIL', 'o011')).toBe(true);
    expect(interactionCodesEqual('A1B2-C3D4', 'A1B2-C3D5')).toBe(false);
    expect(interactionCodesEqual('A1B2', 'A1B2C')).toBe(false);
  });

  it('is false, not an exception, for invalid codes', () => {
    expect(interactionCodesEqual('U', 'U')).toBe(false);
    expect(interactionCodesEqual('', '')).toBe(false);
    expect(interactionCodesEqual(5 as unknown as string, 'A')).toBe(false);
  });
});
