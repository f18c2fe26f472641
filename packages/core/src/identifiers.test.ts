import { describe, expect, it } from 'vitest';
import { InvalidIdentifierError } from './errors.js';
import {
  formatAgentIdentifier,
  isAgentIdentifier,
  isServerIdentifier,
  parseAgentIdentifier,
  validateAgentIdentifier,
  validateServerIdentifier,
} from './identifiers.js';

function identifierError(fn: () => unknown): InvalidIdentifierError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    return error as InvalidIdentifierError;
  }
  throw new Error('expected an InvalidIdentifierError');
}

describe('server identifiers', () => {
  it('accepts https + lowercase host and returns it unchanged', () => {
    for (const id of [
      'https://ps.example',
      'https://a-b.c1.example',
      'https://localhost',
      'https://xn--nxasmq6b.example',
    ]) {
      expect(validateServerIdentifier(id)).toBe(id);
      expect(isServerIdentifier(id)).toBe(true);
    }
  });

  it('names the broken rule', () => {
    const cases: [string, RegExp][] = [
      ['http://ps.example', /https/],
      ['HTTPS://ps.example', /https/],
      ['https://PS.example', /lowercase/],
      ['https://ps.example:443', /port/],
      ['https://ps.example/', /path/],
      ['https://ps.example/x', /path/],
      ['https://ps.example?x', /query/],
      ['https://ps.example#x', /fragment/],
      ['https://u@ps.example', /userinfo/],
      ['https://', /empty host/],
      ['https://-ps.example', /DNS name/],
      ['https://ps..example', /DNS name/],
      ['https://ps_x.example', /DNS name/],
      ['https://p\u00e9.example', /DNS name/],
      [`https://${'a'.repeat(64)}.example`, /DNS name/],
      [`https://${'a.'.repeat(127)}example`, /DNS name/],
      ['https://xn--a.example', /URL host/],
      ['https://0x7f.1', /canonical|URL host/],
      ['https://a.1', /URL host/],
      [' https://ps.example', /https/],
      ['https://ps.example ', /DNS name/],
    ];
    for (const [id, rule] of cases) {
      const error = identifierError(() => validateServerIdentifier(id));
      expect(error.message, id).toMatch(rule);
      expect(error.input).toBe(id);
      expect(isServerIdentifier(id)).toBe(false);
    }
  });

  it('is false for non-strings without throwing', () => {
    expect(isServerIdentifier(undefined)).toBe(false);
    expect(isServerIdentifier({ toString: () => 'https://ps.example' })).toBe(false);
    expect(() => validateServerIdentifier(null as unknown as string)).toThrow(InvalidIdentifierError);
  });

  it('accepts loopback http with a port only in the development profile', () => {
    const dev = { allowLocalhostHttp: true };
    for (const id of [
      'http://localhost:3000',
      'http://127.0.0.1:8443',
      'http://localhost',
      'http://127.0.0.1:65535',
    ]) {
      expect(isServerIdentifier(id)).toBe(false);
      expect(validateServerIdentifier(id, dev)).toBe(id);
    }
    expect(validateServerIdentifier('https://ps.example', dev)).toBe('https://ps.example');
    for (const id of [
      'http://localhost:0',
      'http://localhost:65536',
      'http://localhost:03000',
      'http://localhost:3000/',
      'http://example.com:3000',
      'http://LOCALHOST:3000',
      'http://[::1]:3000',
      'https://localhost:3000',
      'http://localhost:',
    ]) {
      expect(isServerIdentifier(id, dev), id).toBe(false);
    }
  });
});

describe('agent identifiers', () => {
  it('splits local and domain', () => {
    expect(parseAgentIdentifier('aauth:Assistant.v2@agent.example')).toEqual({
      local: 'Assistant.v2',
      domain: 'agent.example',
    });
  });

  it('splits a sub-agent into parent and discriminator', () => {
    expect(parseAgentIdentifier('aauth:planner+search_1@agent.example')).toEqual({
      local: 'planner+search_1',
      domain: 'agent.example',
      parent: 'planner',
      discriminator: 'search_1',
    });
  });

  it('bounds the local part to 255 characters', () => {
    expect(isAgentIdentifier(`aauth:${'a'.repeat(255)}@agent.example`)).toBe(true);
    expect(
      identifierError(() => validateAgentIdentifier(`aauth:${'a'.repeat(256)}@agent.example`)).message,
    ).toMatch(/1-255/);
  });

  it('names the broken rule', () => {
    const cases: [string, RegExp][] = [
      ['agent@agent.example', /aauth:/],
      ['AAUTH:agent@agent.example', /aauth:/],
      ['aauth:agent', /local@domain/],
      ['aauth:@agent.example', /1-255/],
      ['aauth:my agent@agent.example', /allows only/],
      ['aauth:ag\u00e9nt@agent.example', /allows only/],
      ['aauth:a@b@agent.example', /domain/],
      ['aauth:agent@', /domain/],
      ['aauth:agent@Agent.example', /lowercase/],
      ['aauth:agent@agent.example:443', /port/],
      ['aauth:agent@https://agent.example', /port|path/],
      ['aauth:+x@agent.example', /both parts/],
      ['aauth:x+@agent.example', /both parts/],
      ['aauth:a+b+c@agent.example', /more than one/],
    ];
    for (const [id, rule] of cases) {
      expect(identifierError(() => parseAgentIdentifier(id)).message, id).toMatch(rule);
      expect(isAgentIdentifier(id)).toBe(false);
    }
  });

  it('is false for non-strings', () => {
    expect(isAgentIdentifier(42)).toBe(false);
    expect(isAgentIdentifier(null)).toBe(false);
  });

  it('formats and validates', () => {
    expect(formatAgentIdentifier('planner+s1', 'agent.example')).toBe('aauth:planner+s1@agent.example');
    expect(() => formatAgentIdentifier('bad agent', 'agent.example')).toThrow(InvalidIdentifierError);
  });

  it('handles huge inputs quickly', () => {
    const start = performance.now();
    expect(isAgentIdentifier(`aauth:${'a'.repeat(1_000_000)}@agent.example`)).toBe(false);
    expect(isServerIdentifier(`https://${'a.'.repeat(500_000)}example`)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
