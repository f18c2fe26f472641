import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import { isCapability, parseCapabilities, readCapabilities, serializeCapabilities } from './capabilities.js';

describe('AAuth-Capabilities', () => {
  it('parses known capabilities in order, dropping unknown values, parameters and duplicates', () => {
    expect(parseCapabilities('payment;q=1, quantum, interaction, payment, "clarification"')).toEqual([
      'payment',
      'interaction',
    ]);
  });

  it('matches case-sensitively', () => {
    expect(parseCapabilities('Interaction, PAYMENT')).toEqual([]);
    expect(isCapability('interaction')).toBe(true);
    expect(isCapability('Interaction')).toBe(false);
  });

  it('throws HeaderParseError on a malformed List when strict', () => {
    expect(() => parseCapabilities('interaction,')).toThrow(HeaderParseError);
    expect(() => parseCapabilities('interaction, "unterminated')).toThrow(HeaderParseError);
  });

  it('reads tolerantly: absent or malformed means no capabilities', () => {
    expect(readCapabilities(undefined)).toEqual([]);
    expect(readCapabilities(null)).toEqual([]);
    expect(readCapabilities('interaction, ,')).toEqual([]);
    expect(readCapabilities('interaction, clarification')).toEqual(['interaction', 'clarification']);
  });

  it('serializes tokens, skipping blanks and duplicates and keeping future values', () => {
    expect(serializeCapabilities(['interaction', '', 'future-x', 'interaction', ' '])).toBe(
      'interaction, future-x',
    );
    expect(serializeCapabilities(new Set(['payment']))).toBe('payment');
    expect(serializeCapabilities([])).toBe('');
  });

  it('refuses entries that are not Tokens and non-iterable input', () => {
    for (const bad of [['inter action'], ['"q"'], ['1payment'], ['caf\u00e9'], [42]]) {
      expect(() => serializeCapabilities(bad as string[])).toThrow(InvalidArgumentError);
    }
    expect(() => serializeCapabilities('interaction' as unknown as string[])).toThrow(InvalidArgumentError);
  });
});
