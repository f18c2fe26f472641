import { describe, expect, it } from 'vitest';
import { parseCapturedRequest } from './captured-request.js';
import { UsageError } from './errors.js';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (body: Uint8Array | string | null | undefined) =>
  body == null ? body : typeof body === 'string' ? body : new TextDecoder().decode(body);

describe('captured requests', () => {
  it('reads the JSON form with object headers (string or string[] values)', () => {
    const request = parseCapturedRequest(
      encode(
        JSON.stringify({
          method: 'post',
          url: 'https://api.example/notes?x=1',
          headers: { 'Content-Type': 'application/json', Accept: ['a', 'b'] },
          body: '{"text":"hi"}',
        }),
      ),
    );
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.example/notes?x=1');
    expect(request.headers).toEqual({ 'content-type': ['application/json'], accept: ['a', 'b'] });
    expect(decode(request.body)).toBe('{"text":"hi"}');
  });

  it('reads [name, value] header pairs and a base64 body, and no body at all', () => {
    const withBase64 = parseCapturedRequest(
      encode(
        JSON.stringify({
          method: 'PUT',
          url: 'https://a.example/',
          headers: [['X-A', '1']],
          bodyBase64: 'AAEC',
        }),
      ),
    );
    expect(withBase64.headers).toEqual({ 'x-a': ['1'] });
    expect([...(withBase64.body as Uint8Array)]).toEqual([0, 1, 2]);
    const empty = parseCapturedRequest(encode('{"method":"GET","url":"https://a.example/"}'));
    expect(empty.body).toBeNull();
  });

  it('reads raw HTTP/1.1 text with CRLF line ends, the body cut at Content-Length', () => {
    const raw =
      'POST /documents/1/summary?x=1 HTTP/1.1\r\nHost: api.example:8443\r\nContent-Type: application/json\r\nContent-Length: 4\r\nX-Folded: a\r\n  b\r\n\r\n{}{}trailing';
    const request = parseCapturedRequest(encode(raw));
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.example:8443/documents/1/summary?x=1');
    expect(request.headers).toMatchObject({ host: ['api.example:8443'], 'x-folded': ['a b'] });
    expect(decode(request.body)).toBe('{}{}');
  });

  it('reads LF-only text, an http scheme, absolute-form targets and chunked bodies', () => {
    const lf = parseCapturedRequest(encode('\n\nGET /a HTTP/1.1\nHost: localhost:8750\n\n'), {
      scheme: 'http',
    });
    expect(lf.url).toBe('http://localhost:8750/a');
    expect(lf.body).toBeNull();
    const absolute = parseCapturedRequest(encode('GET https://b.example/p HTTP/1.1\r\n\r\n'));
    expect(absolute.url).toBe('https://b.example/p');
    const chunked = parseCapturedRequest(
      encode(
        'POST /c HTTP/1.1\r\nHost: c.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n',
      ),
    );
    expect(decode(chunked.body)).toBe('abcde');
  });

  it.each([
    ['', 'it is empty'],
    ['{"url":"https://a.example/"}', '"method" must be an HTTP method'],
    ['{"method":"GET","url":"/relative"}', '"url" must be an absolute URL'],
    ['{"method":"GET","url":"ftp://a.example/"}', 'must be http(s)'],
    ['{"method":"GET","url":"https://a.example/","headers":{"bad name":"x"}}', 'is not a header name'],
    ['{"method":"GET","url":"https://a.example/","headers":{"a":1}}', 'must be a string'],
    ['{"method":"GET"', 'the JSON does not parse'],
    ['GET /a\r\n\r\n', 'the first line is not'],
    ['GET /a HTTP/1.1\r\n\r\n', 'needs a Host header'],
    ['GET /a HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n', 'is not a "Name: value" header line'],
    [
      'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nshort',
      'is shorter (5 bytes) than its Content-Length (10)',
    ],
    ['POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nx', 'is not supported'],
    ['POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'bad chunk size'],
  ])('refuses %j with a usage error saying why', (text, why) => {
    let caught: unknown;
    try {
      parseCapturedRequest(encode(text));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toContain(why);
    expect((caught as UsageError).hint).toContain('raw HTTP/1.1 text');
  });
});
