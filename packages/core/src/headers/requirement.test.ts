import { describe, expect, it } from 'vitest';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import {
  agentTokenRequirement,
  approvalRequirement,
  authTokenRequirement,
  claimsRequirement,
  clarificationRequirement,
  interactionRequirement,
  isKnownRequirement,
  parseRequirement,
  personTokenRequirement,
  type RequirementChallenge,
  serializeRequirement,
} from './requirement.js';

function parseError(value: string): HeaderParseError {
  try {
    parseRequirement(value);
  } catch (error) {
    expect(error).toBeInstanceOf(HeaderParseError);
    return error as HeaderParseError;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe('parseRequirement', () => {
  it('reads a parameterless requirement with empty params', () => {
    expect(parseRequirement('requirement=agent-token')).toEqual({ requirement: 'agent-token', params: {} });
  });

  it('reads auth-token with its resource token, spaced or not', () => {
    for (const header of [
      'requirement=auth-token; resource-token="a.b.c"',
      'requirement=auth-token;resource-token="a.b.c"',
    ]) {
      expect(parseRequirement(header)).toEqual({
        requirement: 'auth-token',
        resourceToken: 'a.b.c',
        params: {},
      });
    }
  });

  it('accepts an unquoted resource token and a Token reason (budgets)', () => {
    expect(parseRequirement('requirement=auth-token;resource-token=eyJ.a.b;reason=budget-exhausted')).toEqual(
      {
        requirement: 'auth-token',
        resourceToken: 'eyJ.a.b',
        reason: 'budget-exhausted',
        params: {},
      },
    );
  });

  it('reads interaction url and code', () => {
    expect(parseRequirement('requirement=interaction;url="https://ps.example/i";code="A1B2-C3D4"')).toEqual({
      requirement: 'interaction',
      url: 'https://ps.example/i',
      code: 'A1B2-C3D4',
      params: {},
    });
  });

  it('keeps unknown parameters in params and ignores other members', () => {
    expect(parseRequirement('x=1, requirement=approval;retry-hint="soon";nonce=7;flag, y=?0')).toEqual({
      requirement: 'approval',
      params: { 'retry-hint': 'soon', nonce: 7, flag: true },
    });
  });

  it('unfolds obs-fold line breaks before parsing', () => {
    expect(
      parseRequirement('requirement=interaction;\r\n\turl="https://x.example";\n  code="C"'),
    ).toMatchObject({
      url: 'https://x.example',
      code: 'C',
    });
  });

  it('keeps an unknown requirement value, which isKnownRequirement rejects', () => {
    const parsed = parseRequirement('requirement=payment;extra="x"');
    expect(parsed).toEqual({ requirement: 'payment', params: { extra: 'x' } });
    expect(isKnownRequirement(parsed.requirement)).toBe(false);
    expect(isKnownRequirement('Approval')).toBe(false);
    expect(isKnownRequirement('approval')).toBe(true);
  });

  it('refuses empty values, missing or non-Token requirement members', () => {
    expect(parseError('').message).toContain('empty');
    expect(parseError(' \t ').message).toContain('empty');
    expect(parseError('resource-token="x"').message).toContain('no requirement member');
    expect(parseError('requirement=""').message).toContain('empty requirement value');
    expect(parseError('requirement="approval"').message).toContain('must be a Token');
    expect(parseError('requirement=(approval)').message).toContain('must be a Token');
    expect(parseError('requirement').message).toContain('must be a Token');
    expect(parseError('requirement=7').message).toContain('must be a Token');
  });

  it('refuses malformed structured fields with the header name', () => {
    const error = parseError('requirement=approval, ,');
    expect(error.message).toContain('malformed');
    expect(error.header).toBe('aauth-requirement');
  });

  it('refuses auth-token without resource-token and interaction without url or code', () => {
    expect(parseError('requirement=auth-token').message).toContain('resource-token');
    expect(parseError('requirement=auth-token;resource-token=""').message).toContain('resource-token');
    expect(parseError('requirement=interaction;code="A"').message).toContain('url or code');
    expect(parseError('requirement=interaction;url="https://x.example"').message).toContain('url or code');
  });

  it('refuses url and code that are not Strings', () => {
    expect(parseError('requirement=interaction;url=https://x.example;code="A"').message).toContain('url');
    expect(parseError('requirement=interaction;url="https://x.example";code=?1').message).toContain('code');
  });

  it('only ever throws HeaderParseError on random, huge or unicode input', () => {
    const inputs = [
      'requirement=\u00e9',
      'requirement=approval;url="\u{1F600}"',
      `requirement=auth-token;resource-token="${'a'.repeat(100_000)}"`,
      '\u0000\u0001',
      'requirement=approval;x=@12',
      'requirement=approval;x=%"%zz"',
      'requirement=approval;x=:@@:',
    ];
    let seed = 11;
    for (let round = 0; round < 500; round++) {
      let input = 'requirement=';
      for (let i = 0; i < 24; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        input += String.fromCharCode(seed % 0x250);
      }
      inputs.push(input);
    }
    for (const input of inputs) {
      try {
        parseRequirement(input);
      } catch (error) {
        expect(error, JSON.stringify(input)).toBeInstanceOf(HeaderParseError);
      }
    }
  });
});

describe('serializeRequirement and builders', () => {
  it('writes canonical RFC 9651 (no space after ;)', () => {
    expect(authTokenRequirement('eyJ.a.b')).toBe('requirement=auth-token;resource-token="eyJ.a.b"');
    expect(interactionRequirement('https://ps.example/i', 'A1B2-C3D4')).toBe(
      'requirement=interaction;url="https://ps.example/i";code="A1B2-C3D4"',
    );
  });

  it('has one builder per parameterless requirement', () => {
    expect(agentTokenRequirement()).toBe('requirement=agent-token');
    expect(personTokenRequirement()).toBe('requirement=person-token');
    expect(approvalRequirement()).toBe('requirement=approval');
    expect(clarificationRequirement()).toBe('requirement=clarification');
    expect(claimsRequirement()).toBe('requirement=claims');
  });

  it('writes the budget reason as a Token and extension params after typed ones', () => {
    expect(authTokenRequirement('t', { reason: 'budget-exhausted' })).toBe(
      'requirement=auth-token;resource-token="t";reason=budget-exhausted',
    );
    expect(serializeRequirement({ requirement: 'approval', params: { hint: 'soon', n: 2, f: true } })).toBe(
      'requirement=approval;hint="soon";n=2;f',
    );
  });

  it('escapes quotes and backslashes and round-trips', () => {
    const challenge: RequirementChallenge = {
      requirement: 'interaction',
      url: 'https://e.example/a"b\\c',
      code: 'Z',
    };
    expect(parseRequirement(serializeRequirement(challenge))).toEqual({ ...challenge, params: {} });
  });

  it('refuses unknown requirements, missing fields, bad params and non-ASCII text', () => {
    const bad: unknown[] = [
      { requirement: 'made-up' },
      { requirement: 'auth-token' },
      { requirement: 'auth-token', resourceToken: '' },
      { requirement: 'interaction', url: 'https://x.example' },
      { requirement: 'interaction', url: 'https://x.example', code: '' },
      { requirement: 'approval', params: { 'Bad Key': 'x' } },
      { requirement: 'approval', params: { url: 'x' } },
      { requirement: 'approval', params: { x: { nested: true } } },
      { requirement: 'interaction', url: 'https://\u00e9.example', code: 'A' },
      null,
    ];
    for (const challenge of bad) {
      expect(
        () => serializeRequirement(challenge as RequirementChallenge),
        JSON.stringify(challenge),
      ).toThrow(InvalidArgumentError);
    }
  });

  it('names the missing fields in its messages', () => {
    expect(() => serializeRequirement({ requirement: 'auth-token' } as RequirementChallenge)).toThrow(
      /resourceToken/,
    );
    expect(() =>
      serializeRequirement({ requirement: 'interaction', url: 'https://x.example' } as RequirementChallenge),
    ).toThrow(/url and code/);
  });
});
