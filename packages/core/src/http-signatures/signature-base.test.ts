import { type InnerList, parseDictionary, serializeInnerList } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { normalizeRequestLike } from './message.js';
import {
  createSignatureBase,
  type SignatureParams,
  serializeReceivedSignatureParams,
  serializeSignatureParams,
} from './signature-base.js';

const message = normalizeRequestLike({
  method: 'POST',
  url: 'https://Example.com/foo?param=Value&Pet=dog',
  headers: { 'Content-Type': 'application/json', 'Signature-Key': 'sig=jwt;jwt="a.b.c"', 'X-Empty': '' },
  body: '{}',
});

function reference(components: string[], params: SignatureParams): string {
  const parameters = new Map<string, string | number>();
  for (const name of ['created', 'expires', 'keyid', 'alg', 'nonce', 'tag'] as const) {
    const value = params[name];
    if (value !== undefined) parameters.set(name, value);
  }
  return serializeInnerList([components.map((c) => [c, new Map()]), parameters]);
}

describe('serializeSignatureParams', () => {
  const cases: Array<[string[], SignatureParams]> = [
    [['@method', '@authority', '@path', 'signature-key'], { created: 1730217600 }],
    [['@method'], { created: 0, expires: 1730217660 }],
    [[], { created: 1618884473, keyid: 'test-key-ed25519' }],
    [
      ['content-digest'],
      { created: 1, keyid: 'quote " and \\ backslash', alg: 'ed25519', nonce: 'n', tag: 't' },
    ],
  ];

  it.each(cases)('matches structured-headers for %j %j', (components, params) => {
    expect(serializeSignatureParams(components, params)).toBe(reference(components, params));
  });

  it('rejects a negative, fractional or huge created', () => {
    for (const created of [-1, 1.5, 1e16, Number.NaN]) {
      expect(() => serializeSignatureParams([], { created })).toThrow(InvalidArgumentError);
    }
  });

  it('rejects a non-printable string parameter', () => {
    expect(() => serializeSignatureParams([], { created: 1, keyid: 'line\nbreak' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => serializeSignatureParams([], { created: 1, nonce: 'é' })).toThrow(InvalidArgumentError);
  });
});

describe('createSignatureBase', () => {
  it('writes one line per component, @signature-params last, LF-joined, no trailing LF', () => {
    const { base, signatureParams } = createSignatureBase(
      ['@method', '@authority', '@path', '@query', 'content-type', 'signature-key'],
      { created: 1730217600 },
      message,
    );
    expect(signatureParams).toBe(
      '("@method" "@authority" "@path" "@query" "content-type" "signature-key");created=1730217600',
    );
    expect(base).toBe(
      [
        '"@method": POST',
        '"@authority": example.com',
        '"@path": /foo',
        '"@query": ?param=Value&Pet=dog',
        '"content-type": application/json',
        '"signature-key": sig=jwt;jwt="a.b.c"',
        `"@signature-params": ${signatureParams}`,
      ].join('\n'),
    );
    expect(base.endsWith('\n')).toBe(false);
  });

  it('derives @target-uri, @scheme and @request-target', () => {
    const { base } = createSignatureBase(
      ['@target-uri', '@scheme', '@request-target'],
      { created: 1 },
      message,
    );
    expect(base.split('\n').slice(0, 3)).toEqual([
      '"@target-uri": https://example.com/foo?param=Value&Pet=dog',
      '"@scheme": https',
      '"@request-target": /foo?param=Value&Pet=dog',
    ]);
  });

  it('gives "?" for @query when the URL has no query (RFC 9421 §2.2.7)', () => {
    const noQuery = normalizeRequestLike({ method: 'GET', url: 'https://e.com/x', headers: {} });
    expect(createSignatureBase(['@query'], { created: 1 }, noQuery).base.split('\n')[0]).toBe('"@query": ?');
  });

  it('keeps an empty header value (line ends after ": ")', () => {
    expect(createSignatureBase(['x-empty'], { created: 1 }, message).base.split('\n')[0]).toBe('"x-empty": ');
  });

  it('accepts an HttpRequestLike directly', () => {
    const { base } = createSignatureBase(
      ['@method'],
      { created: 1 },
      { method: 'GET', url: 'https://e.com/', headers: {} },
    );
    expect(base.startsWith('"@method": GET\n')).toBe(true);
  });

  it('rejects an absent covered header', () => {
    expect(() => createSignatureBase(['authorization'], { created: 1 }, message)).toThrow(/absent/);
  });

  it('rejects duplicate components', () => {
    expect(() => createSignatureBase(['@method', '@method'], { created: 1 }, message)).toThrow(/twice/);
  });

  it.each(['@query-param', '@status', '@signature-params', '@unknown'])(
    'rejects derived component %s',
    (c) => {
      expect(() => createSignatureBase([c], { created: 1 }, message)).toThrow(InvalidArgumentError);
    },
  );

  it('rejects a field name that is not lowercase or not a token', () => {
    expect(() => createSignatureBase(['Content-Type'], { created: 1 }, message)).toThrow(
      InvalidArgumentError,
    );
    expect(() => createSignatureBase(['a b'], { created: 1 }, message)).toThrow(InvalidArgumentError);
    expect(() => createSignatureBase([''], { created: 1 }, message)).toThrow(InvalidArgumentError);
  });

  it('rejects a header value that would break the base onto a new line or leave ASCII', () => {
    const forged = normalizeRequestLike({
      method: 'GET',
      url: 'https://e.com/',
      headers: { 'x-a': 'v\n"@method": POST', 'x-b': 'café' },
    });
    expect(() => createSignatureBase(['x-a'], { created: 1 }, forged)).toThrow(/printable ASCII/);
    expect(() => createSignatureBase(['x-b'], { created: 1 }, forged)).toThrow(/printable ASCII/);
  });

  it('rejects a non-array component list', () => {
    expect(() => createSignatureBase('@method' as unknown as string[], { created: 1 }, message)).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('serializeReceivedSignatureParams', () => {
  const inputs = [
    'sig=("@method" "@authority");created=1618884473;keyid="test-key-ed25519"',
    'sig=("@method");created=1;expires=2;nonce="a\\\\b\\"c";alg=ed25519;tag=aauth;flag;off=?0',
    'sig=();created=1;ratio=1.5',
    'sig=("@path");created=1;when=@1659578233',
    'sig=("@path");created=1;bytes=:AAAA:;d=%"caf%c3%a9"',
  ];

  it.each(inputs)('matches structured-headers for %s', (input) => {
    const member = parseDictionary(input).get('sig') as InnerList;
    const components = member[0].map(([value]) => value as string);
    expect(serializeReceivedSignatureParams(components, member)).toBe(serializeInnerList(member));
  });
});
