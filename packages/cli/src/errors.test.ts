import {
  AbortedError,
  ConfigurationError,
  ConsentDeniedError,
  ConsentExpiredError,
  DiscoveryError,
  InteractionGoneError,
  InvalidArgumentError,
  InvalidKeyError,
  NetworkError,
  PersonServerError,
  ProtocolError,
  SignatureVerificationError,
  TimeoutError,
} from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatError, SetupError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';

describe('exit codes', () => {
  it.each([
    [new UsageError('bad'), EXIT.usage],
    [new InvalidArgumentError('bad'), EXIT.usage],
    [new SetupError('no key'), EXIT.configuration],
    [new ConfigurationError('no token'), EXIT.configuration],
    [new InvalidKeyError('not a key'), EXIT.configuration],
    [new ConsentDeniedError('https://r.example', 'denied'), EXIT.consent],
    [new ConsentExpiredError('https://r.example'), EXIT.consent],
    [new InteractionGoneError('https://r.example'), EXIT.consent],
    [new TimeoutError('slow'), EXIT.network],
    [new NetworkError('down'), EXIT.network],
    [new DiscoveryError('unknown_key', 'no metadata'), EXIT.network],
    [new AbortedError('stop'), EXIT.aborted],
    [new SignatureVerificationError('invalid_signature', 'bad'), EXIT.refused],
    [new ProtocolError('odd answer'), EXIT.refused],
    [new PersonServerError('https://ps.example/token', 400), EXIT.refused],
  ])('maps %s to its documented exit code', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('maps system errors by their code and unknown faults to 1', () => {
    expect(exitCodeFor(Object.assign(new Error('listen'), { code: 'EADDRINUSE' }))).toBe(EXIT.configuration);
    expect(exitCodeFor(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(EXIT.network);
    expect(exitCodeFor(new TypeError('bug'))).toBe(EXIT.refused);
    expect(exitCodeFor('a string')).toBe(EXIT.refused);
  });
});

describe('error messages', () => {
  it('says what happened and what to do', () => {
    const text = formatError(
      'fetch',
      new SetupError('no agent key', 'run `aauth-kit keygen --out agent.pem`'),
    );
    expect(text).toBe('aauth-kit fetch: no agent key\n  → run `aauth-kit keygen --out agent.pem`\n');
  });

  it('shows the causes a library error hides, once each', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const text = formatError(
      'fetch',
      new NetworkError('cannot reach http://localhost:9/', undefined, { cause }),
    );
    expect(text).toContain('aauth-kit fetch: cannot reach http://localhost:9/\n');
    expect(text).toContain('  cause: connect ECONNREFUSED 127.0.0.1:9\n');
    expect(text).toContain('→ check the URL and that the server is running');
  });

  it('gives consent failures a next step', () => {
    expect(formatError('fetch', new ConsentDeniedError('https://r.example', 'denied'))).toContain(
      'the person answered "denied"; run the command again to ask again',
    );
  });

  it('points at --development for localhost refusals', () => {
    const text = formatError(undefined, new InvalidArgumentError('refusing to sign a request over http'));
    expect(text).toMatch(/^aauth-kit: refusing/);
    expect(text).toContain('pass --development');
  });
});
