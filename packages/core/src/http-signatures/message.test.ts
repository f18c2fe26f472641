import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { normalizeFetchRequest, normalizeMessage, normalizeMethod, normalizeRequestLike } from './message.js';
import type { HttpRequestLike } from './types.js';

const get = (url: string, headers: Record<string, string | string[] | number | undefined> = {}) =>
  normalizeRequestLike({ method: 'GET', url, headers });

describe('@authority (RFC 9421 §2.2.3)', () => {
  it('lowercases the host and drops the default https port', () => {
    expect(get('https://API.Example.COM:443/x').authority).toBe('api.example.com');
  });

  it('drops the default http port and keeps a non-default one', () => {
    expect(get('http://example.com:80/').authority).toBe('example.com');
    expect(get('https://example.com:8443/').authority).toBe('example.com:8443');
  });

  it('keeps IPv6 literals bracketed', () => {
    expect(get('https://[::1]:9000/').authority).toBe('[::1]:9000');
  });

  it('uses the configured authority, lowercased, when one is given', () => {
    const message = normalizeRequestLike(
      { method: 'GET', url: 'http://10.0.0.7:3000/x', headers: {} },
      { authority: 'API.Example.com' },
    );
    expect(message.authority).toBe('api.example.com');
  });
});

describe('@path, @query and @method', () => {
  it('gives "/" for an empty path', () => {
    expect(get('https://example.com').path).toBe('/');
  });

  it('keeps the raw query with its leading "?"', () => {
    const message = get('https://example.com/foo?param=Value&Pet=dog&empty=');
    expect(message.path).toBe('/foo');
    expect(message.query).toBe('?param=Value&Pet=dog&empty=');
    expect(message.requestTarget).toBe('/foo?param=Value&Pet=dog&empty=');
  });

  it('reports no query when the URL has none or only a bare "?"', () => {
    expect(get('https://example.com/foo').query).toBeUndefined();
    expect(get('https://example.com/foo?').query).toBeUndefined();
  });

  it('uppercases the methods fetch normalizes and keeps others as sent', () => {
    expect(normalizeMethod('post')).toBe('POST');
    expect(normalizeMethod('Get')).toBe('GET');
    expect(normalizeMethod('patch')).toBe('patch');
    expect(normalizeMethod('PATCH')).toBe('PATCH');
  });

  it('rejects an empty method', () => {
    expect(() => normalizeMethod('')).toThrow(InvalidArgumentError);
  });

  it('exposes scheme and target URI', () => {
    const message = get('HTTPS://Example.com/a?b=c');
    expect(message.scheme).toBe('https');
    expect(message.targetUri).toBe('https://example.com/a?b=c');
  });
});

describe('header values (RFC 9421 §2.1)', () => {
  it('looks plain-object headers up case-insensitively, trimmed', () => {
    const message = get('https://example.com/', { 'Content-Type': '  application/json  ' });
    expect(message.header('content-type')).toBe('application/json');
  });

  it('joins array values with ", " after trimming each line', () => {
    const message = get('https://example.com/', { 'x-list': [' a ', 'b', '  c'] });
    expect(message.header('x-list')).toBe('a, b, c');
  });

  it('stringifies numbers and skips undefined values and empty arrays', () => {
    const message = get('https://example.com/', { 'content-length': 18, 'x-gone': undefined, 'x-none': [] });
    expect(message.header('content-length')).toBe('18');
    expect(message.header('x-gone')).toBeUndefined();
    expect(message.header('x-none')).toBeUndefined();
  });

  it('combines two spellings of one field as two lines', () => {
    const message = get('https://example.com/', { 'X-Dup': 'one', 'x-dup': 'two' });
    expect(message.header('x-dup')).toBe('one, two');
  });

  it('reads WHATWG Headers, joining repeated fields', () => {
    const headers = new Headers();
    headers.append('X-Multi', 'a');
    headers.append('x-multi', 'b');
    const message = normalizeRequestLike({ method: 'GET', url: 'https://example.com/', headers });
    expect(message.header('x-multi')).toBe('a, b');
    expect(message.header('absent')).toBeUndefined();
  });

  it('keeps an empty header present with an empty value', () => {
    expect(get('https://example.com/', { 'x-empty': '' }).header('x-empty')).toBe('');
  });

  it('lets overrides replace request fields without touching the original view', () => {
    const message = get('https://example.com/', { 'signature-key': 'old' });
    const overridden = message.withHeaderOverrides(new Map([['signature-key', 'new']]));
    expect(overridden.header('signature-key')).toBe('new');
    expect(message.header('signature-key')).toBe('old');
    expect(overridden.authority).toBe(message.authority);
  });
});

describe('body', () => {
  it('UTF-8 encodes a string body and treats an empty body as none', () => {
    const withBody = normalizeRequestLike({ method: 'POST', url: 'https://e.com/', headers: {}, body: 'é' });
    expect([...(withBody.body ?? [])]).toEqual([0xc3, 0xa9]);
    const empty = normalizeRequestLike({ method: 'POST', url: 'https://e.com/', headers: {}, body: '' });
    expect(empty.body).toBeUndefined();
  });

  it('reads a Request body from a clone and leaves the request readable', async () => {
    const request = new Request('https://e.com/', { method: 'POST', body: '{"a":1}' });
    const message = await normalizeFetchRequest(request);
    expect(new TextDecoder().decode(message.body)).toBe('{"a":1}');
    expect(await request.text()).toBe('{"a":1}');
  });

  it('rejects a Request whose body was already consumed', async () => {
    const request = new Request('https://e.com/', { method: 'POST', body: 'x' });
    await request.text();
    await expect(normalizeFetchRequest(request)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('gives the same normalized values for a Request and the equivalent plain object', async () => {
    const request = new Request('https://E.com:443/p?q=1', {
      method: 'post',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    const fromRequest = await normalizeMessage(request);
    const fromObject = normalizeRequestLike({
      method: 'post',
      url: 'https://E.com:443/p?q=1',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hi',
    });
    for (const message of [fromRequest, fromObject]) {
      expect(message.method).toBe('POST');
      expect(message.authority).toBe('e.com');
      expect(message.query).toBe('?q=1');
      expect(message.header('content-type')).toBe('text/plain');
      expect(new TextDecoder().decode(message.body)).toBe('hi');
    }
  });
});

describe('bad input', () => {
  it('rejects a relative or garbage URL with InvalidArgumentError', () => {
    expect(() => get('/relative')).toThrow(InvalidArgumentError);
    expect(() => get('not a url')).toThrow(InvalidArgumentError);
  });

  it('rejects a body that is neither bytes nor string', () => {
    expect(() =>
      normalizeRequestLike({
        method: 'POST',
        url: 'https://e.com/',
        headers: {},
        body: 42 as unknown as string,
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('rejects a header value of an unusable type', () => {
    const message = get('https://e.com/', { 'x-odd': {} as unknown as string });
    expect(() => message.header('x-odd')).toThrow(InvalidArgumentError);
  });

  it('rejects a non-object request', () => {
    expect(() => normalizeRequestLike(null as unknown as HttpRequestLike)).toThrow(InvalidArgumentError);
  });
});
