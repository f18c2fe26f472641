import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import {
  formatAAuthAccess,
  formatAAuthAuthorization,
  isAAuthAuthorization,
  isToken68,
  parseAAuthAccess,
  parseAAuthAuthorization,
} from './aauth-access.js';

const TOKEN = 'sess_01HZ-abc.DEF~+/xyz==';

describe('AAuth-Access', () => {
  it('returns the token68, trimming surrounding OWS', () => {
    expect(parseAAuthAccess(TOKEN)).toBe(TOKEN);
    expect(parseAAuthAccess(` \t${TOKEN} `)).toBe(TOKEN);
    expect(parseAAuthAccess([TOKEN])).toBe(TOKEN);
  });

  it('refuses empty, multiple, whitespace, control and non-token68 values with a reason', () => {
    const cases: [string | string[], RegExp][] = [
      ['', /empty/],
      ['   ', /empty/],
      [[], /exactly one/],
      [[TOKEN, TOKEN], /exactly one/],
      [`${TOKEN}, other`, /more than one/],
      ['abc def', /whitespace/],
      ['abc\u0000def', /control/],
      ['abc\ndef', /control/],
      ['abc"def', /not a token68/],
      ['=abc', /not a token68/],
      ['ab=c', /not a token68/],
      ['t\u00e9st', /not a token68/],
    ];
    for (const [value, reason] of cases) {
      try {
        parseAAuthAccess(value);
        throw new Error(`accepted ${JSON.stringify(value)}`);
      } catch (error) {
        expect(error, JSON.stringify(value)).toBeInstanceOf(HeaderParseError);
        expect((error as HeaderParseError).header).toBe('aauth-access');
        expect((error as Error).message, JSON.stringify(value)).toMatch(reason);
      }
    }
    expect(() => parseAAuthAccess(undefined as unknown as string)).toThrow(HeaderParseError);
  });

  it('formats only a valid token68', () => {
    expect(formatAAuthAccess(TOKEN)).toBe(TOKEN);
    expect(() => formatAAuthAccess('a b')).toThrow(InvalidArgumentError);
    expect(isToken68(TOKEN)).toBe(true);
    expect(isToken68('')).toBe(false);
  });
});

describe('Authorization: AAuth', () => {
  it('formats and parses the credential', () => {
    const header = formatAAuthAuthorization(TOKEN);
    expect(header).toBe(`AAuth ${TOKEN}`);
    expect(parseAAuthAuthorization(header)).toBe(TOKEN);
  });

  it('matches the scheme case-insensitively and tolerates several spaces', () => {
    expect(parseAAuthAuthorization(`aauth ${TOKEN}`)).toBe(TOKEN);
    expect(parseAAuthAuthorization(`AAUTH   ${TOKEN} `)).toBe(TOKEN);
    expect(isAAuthAuthorization(`aAuth ${TOKEN}`)).toBe(true);
    expect(isAAuthAuthorization(`Bearer ${TOKEN}`)).toBe(false);
  });

  it('refuses other schemes, missing or several credentials and auth-params', () => {
    for (const value of [
      `Bearer ${TOKEN}`,
      'AAuth',
      'AAuth ',
      `AAuth ${TOKEN} ${TOKEN}`,
      `AAuth ${TOKEN}, AAuth ${TOKEN}`,
      'AAuth realm="x"',
      'AAuth a=b',
      `AAuth\t${TOKEN}`,
      `AAuthx ${TOKEN}`,
      '',
    ]) {
      expect(() => parseAAuthAuthorization(value), value).toThrow(HeaderParseError);
    }
  });

  it('refuses to format a credential that is not one token68', () => {
    for (const token of ['', 'a b', 'a,b', 'a\r\nX-Injected: 1']) {
      expect(() => formatAAuthAuthorization(token), token).toThrow(InvalidArgumentError);
    }
  });
});
