import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listOf, oneOf, parseOrUsage, port, positionals, required, seconds } from './args.js';
import { UsageError } from './errors.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new TypeError('expected a UsageError');
}

describe('command-line parsing', () => {
  it('turns a parseArgs failure into a UsageError with a short message and the help hint', () => {
    const error = usageError(() =>
      parseOrUsage('fetch', () => parseArgs({ args: ['--nope'], options: {}, strict: true })),
    );
    expect(error.message).toBe("Unknown option '--nope'");
    expect(error.hint).toBe('run `aauth-kit help fetch` for the options');
    expect(error.code).toBe('ERR_USAGE');
  });

  it('passes other errors through unchanged', () => {
    const boom = new RangeError('not a parse error');
    expect(() =>
      parseOrUsage('x', () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('reads seconds, refusing zero, negatives, junk and fractions where integers are needed', () => {
    expect(seconds('c', 'timeout', '2.5')).toBe(2.5);
    expect(seconds('c', 'timeout', undefined)).toBeUndefined();
    expect(seconds('c', 'now', '0', { allowZero: true, integer: true })).toBe(0);
    for (const bad of ['0', '-1', 'abc', '', ' ']) {
      expect(usageError(() => seconds('c', 'timeout', bad)).message).toMatch(/^--timeout must be a number/);
    }
    expect(usageError(() => seconds('c', 'lifetime', '1.5', { integer: true })).message).toMatch(
      /an integer/,
    );
  });

  it('reads ports 0..65535 only', () => {
    expect(port('dev', '0')).toBe(0);
    expect(port('dev', '65535')).toBe(65535);
    expect(usageError(() => port('dev', '65536')).message).toContain('--port must be an integer');
    expect(usageError(() => port('dev', '80a')).message).toContain('"80a"');
  });

  it('checks enumerations and comma lists', () => {
    expect(oneOf('k', 'alg', 'ES256', ['Ed25519', 'ES256'])).toBe('ES256');
    expect(usageError(() => oneOf('k', 'alg', 'RS256', ['Ed25519', 'ES256'])).message).toBe(
      '--alg must be one of Ed25519, ES256, got "RS256"',
    );
    expect(listOf('v', 'accept', 'agent, auth', ['agent', 'person', 'auth'])).toEqual(['agent', 'auth']);
    expect(usageError(() => listOf('v', 'accept', ',', ['agent'])).message).toBe('--accept is empty');
    expect(usageError(() => listOf('v', 'accept', 'agent,resource', ['agent'])).message).toContain(
      '"resource"',
    );
  });

  it('requires options and exact positionals', () => {
    expect(required('verify', 'request', 'r.json')).toBe('r.json');
    expect(usageError(() => required('verify', 'request', undefined)).message).toBe('missing --request');
    expect(positionals('fetch', ['https://a.example'], ['url'])).toEqual(['https://a.example']);
    expect(usageError(() => positionals('fetch', [], ['url'])).message).toBe('missing <url>');
    expect(usageError(() => positionals('fetch', ['a', 'b'], ['url'])).message).toBe(
      'unexpected argument "b"',
    );
  });
});
