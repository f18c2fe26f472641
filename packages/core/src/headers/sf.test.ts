import { describe, expect, it } from 'vitest';
import { HeaderParseError } from '../errors.js';
import { MAX_FIELD_LENGTH, parseSfDictionary, parseSfList } from './sf.js';

describe('structured field parsing guard', () => {
  it('wraps parser errors in HeaderParseError naming the header, with the cause', () => {
    try {
      parseSfDictionary('x-test', 'a=');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(HeaderParseError);
      expect((error as HeaderParseError).header).toBe('x-test');
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('refuses non-string input and values over the length bound', () => {
    expect(() => parseSfList('x-test', undefined)).toThrow(HeaderParseError);
    expect(() => parseSfList('x-test', { toString: () => 'a' })).toThrow(HeaderParseError);
    expect(() => parseSfList('x-test', 'a'.repeat(MAX_FIELD_LENGTH + 1))).toThrow(/too long/);
    expect(parseSfList('x-test', 'a'.repeat(MAX_FIELD_LENGTH))).toHaveLength(1);
  });

  it('survives random bytes and unicode with only HeaderParseError', () => {
    let seed = 3;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 3000; round++) {
      let input = '';
      const length = next() % 64;
      for (let i = 0; i < length; i++)
        input += String.fromCharCode(next() % (round % 2 === 0 ? 0x80 : 0xffff));
      for (const parse of [parseSfDictionary, parseSfList]) {
        try {
          parse('x-test', input);
        } catch (error) {
          expect(error, JSON.stringify(input)).toBeInstanceOf(HeaderParseError);
        }
      }
    }
  });

  it('parses a maximal hostile value quickly', () => {
    const start = performance.now();
    expect(() => parseSfDictionary('x-test', `a=${'('.repeat(MAX_FIELD_LENGTH - 2)}`)).toThrow(
      HeaderParseError,
    );
    expect(() => parseSfList('x-test', `"${'\\"'.repeat(MAX_FIELD_LENGTH / 2 - 1)}`)).toThrow(
      HeaderParseError,
    );
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
