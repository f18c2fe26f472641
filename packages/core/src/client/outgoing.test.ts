import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ProtocolError } from './errors.js';
import { prepareOutgoing } from './outgoing.js';

const decoder = new TextDecoder();

describe('prepareOutgoing', () => {
  it('keeps method, URL and headers of a plain GET without a body', async () => {
    const out = await prepareOutgoing('https://r.example/a?b=1', { headers: { 'x-test': '1' } });
    expect(out.method).toBe('GET');
    expect(out.url.href).toBe('https://r.example/a?b=1');
    expect(out.headers.get('x-test')).toBe('1');
    expect(out.body).toBeNull();
  });

  it('buffers a string body and records the content-type fetch would send', async () => {
    const out = await prepareOutgoing('https://r.example/a', { method: 'post', body: 'hello' });
    expect(out.method).toBe('POST');
    expect(decoder.decode(out.body!)).toBe('hello');
    expect(out.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
  });

  it('reads a Request input, its body and its signal', async () => {
    const controller = new AbortController();
    const request = new Request('https://r.example/x', {
      method: 'PUT',
      body: JSON.stringify({ a: 1 }),
      headers: { 'content-type': 'application/json' },
      signal: controller.signal,
    });
    const out = await prepareOutgoing(request, undefined);
    expect(out.method).toBe('PUT');
    expect(JSON.parse(decoder.decode(out.body!))).toEqual({ a: 1 });
    expect(out.signal).toBe(request.signal);
  });

  it('buffers a stream body (duplex added) up to the limit', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('ab'));
        controller.enqueue(new TextEncoder().encode('cd'));
        controller.close();
      },
    });
    const out = await prepareOutgoing('https://r.example/s', { method: 'POST', body: stream }, 10);
    expect(decoder.decode(out.body!)).toBe('abcd');
  });

  it('refuses a stream longer than the limit with a ProtocolError', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(8));
        controller.enqueue(new Uint8Array(8));
        controller.close();
      },
    });
    await expect(
      prepareOutgoing('https://r.example/s', { method: 'POST', body: stream }, 10),
    ).rejects.toBeInstanceOf(ProtocolError);
  });

  it('keeps fetch options it does not interpret', async () => {
    const out = await prepareOutgoing('https://r.example/', { redirect: 'manual', cache: 'no-store' });
    expect(out.passthrough).toEqual({ redirect: 'manual', cache: 'no-store' });
  });

  it('turns invalid fetch arguments into InvalidArgumentError', async () => {
    await expect(prepareOutgoing('/relative', undefined)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(prepareOutgoing('https://r.example/', { method: 'GET', body: 'x' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('prepareOutgoing fast path', () => {
  const cases: Array<[string, RequestInit | undefined]> = [
    ['plain GET', undefined],
    ['lowercase post with a string body', { method: 'post', body: 'héllo' }],
    ['patch keeps its case (as fetch does)', { method: 'patch', body: 'x' }],
    [
      'bytes with a content type',
      { method: 'PUT', body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'application/x' } },
    ],
    ['an ArrayBuffer', { method: 'POST', body: new Uint8Array([9, 8]).buffer }],
    [
      'caller headers',
      {
        headers: [
          ['x-a', '1'],
          ['x-a', '2'],
        ],
      },
    ],
  ];

  it.each(cases)('gives the same request as the WHATWG Request path for %s', async (_label, init) => {
    const fast = await prepareOutgoing('https://r.example/p?q=1', init);
    // A Request input always takes the general path.
    const slow = await prepareOutgoing(new Request('https://r.example/p?q=1', init), undefined);
    expect(fast.method).toBe(slow.method);
    expect(fast.url.href).toBe(slow.url.href);
    expect([...fast.headers]).toEqual([...slow.headers]);
    expect(fast.body === null ? null : [...fast.body]).toEqual(slow.body === null ? null : [...slow.body]);
  });

  it('copies caller bytes so later mutation cannot change a re-sent body', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = await prepareOutgoing('https://r.example/', { method: 'POST', body: bytes });
    bytes[0] = 9;
    expect([...out.body!]).toEqual([1, 2, 3]);
  });

  it('still refuses what fetch refuses', async () => {
    await expect(prepareOutgoing('https://r.example/', { method: 'CONNECT' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(prepareOutgoing('https://u:p@r.example/', undefined)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(prepareOutgoing('https://r.example/', { method: 'HEAD', body: 'x' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('refuses a byte body over the limit with a ProtocolError', async () => {
    await expect(
      prepareOutgoing('https://r.example/', { method: 'POST', body: new Uint8Array(11) }, 10),
    ).rejects.toBeInstanceOf(ProtocolError);
  });
});
