import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, DiscoveryError, EgressDeniedError, NetworkError, TimeoutError } from '../errors.js';
import { startTestServer, type TestServer } from './__fixtures__/test-server.js';
import { DEVELOPMENT_EGRESS } from './egress.js';
import { fetchJson, parseCacheDirectives } from './fetch-json.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const dev = { egress: DEVELOPMENT_EGRESS };

describe('fetchJson', () => {
  it('returns the parsed body and the cache directives', async () => {
    server.routes.set('/doc', { body: { a: 1 }, headers: { 'cache-control': 'public, max-age=600' } });
    const result = await fetchJson(`${server.origin}/doc`, dev);
    expect(result.body).toEqual({ a: 1 });
    expect(result.cacheControl).toEqual({ noStore: false, maxAgeSeconds: 600 });
  });

  it('is refused by strict egress for a loopback http URL before any request', async () => {
    server.routes.set('/strict', { body: {} });
    await expect(fetchJson(`${server.origin}/strict`)).rejects.toBeInstanceOf(EgressDeniedError);
    expect(server.hitCount('/strict')).toBe(0);
  });

  it('reports a non-2xx status as a DiscoveryError', async () => {
    server.routes.set('/missing', { status: 404, body: {} });
    await expect(fetchJson(`${server.origin}/missing`, dev)).rejects.toMatchObject({
      constructor: DiscoveryError,
      signatureError: 'unknown_key',
    });
  });

  it('reports invalid JSON as a DiscoveryError', async () => {
    server.routes.set('/bad-json', { body: '{"a":' });
    await expect(fetchJson(`${server.origin}/bad-json`, dev)).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('refuses a body larger than maxBytes (declared length)', async () => {
    server.routes.set('/big', { body: { pad: 'x'.repeat(4096) } });
    await expect(fetchJson(`${server.origin}/big`, { ...dev, maxBytes: 1024 })).rejects.toThrow(/1024/);
  });

  it('refuses a streamed body that grows past maxBytes without a Content-Length', async () => {
    server.routes.set('/stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(512);
      res.write(`{"pad":"`);
      let sent = 0;
      const timer = setInterval(() => {
        sent++;
        if (sent > 40 || res.destroyed) {
          clearInterval(timer);
          res.end('"}');
          return;
        }
        res.write(chunk);
      }, 1);
    });
    await expect(fetchJson(`${server.origin}/stream`, { ...dev, maxBytes: 4096 })).rejects.toBeInstanceOf(
      EgressDeniedError,
    );
  });

  it('times out a slow server with TimeoutError within the bound', async () => {
    server.routes.set('/slow', { body: {}, delayMs: 3000 });
    const started = Date.now();
    await expect(fetchJson(`${server.origin}/slow`, { ...dev, timeoutMs: 200 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports the caller abort as AbortedError', async () => {
    server.routes.set('/slow-abort', { body: {}, delayMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      fetchJson(`${server.origin}/slow-abort`, { ...dev, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('reports an already-aborted signal as AbortedError without a request', async () => {
    server.routes.set('/never', { body: {} });
    await expect(
      fetchJson(`${server.origin}/never`, { ...dev, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(server.hitCount('/never')).toBe(0);
  });

  it('reports a refused connection as NetworkError', async () => {
    const closed = await startTestServer();
    const origin = closed.origin;
    await closed.close();
    await expect(fetchJson(`${origin}/x`, dev)).rejects.toBeInstanceOf(NetworkError);
  });

  it('follows a same-origin redirect', async () => {
    server.routes.set('/moved', { status: 302, headers: { location: '/target' }, body: '' });
    server.routes.set('/target', { body: { moved: true } });
    const result = await fetchJson(`${server.origin}/moved`, dev);
    expect(result.body).toEqual({ moved: true });
    expect(result.url).toBe(`${server.origin}/target`);
  });

  it('refuses a cross-host redirect without following it', async () => {
    server.routes.set('/away', {
      status: 302,
      headers: { location: `http://localhost:${server.port}/target-away` },
      body: '',
    });
    server.routes.set('/target-away', { body: {} });
    await expect(fetchJson(`${server.origin}/away`, dev)).rejects.toThrow(/cross-origin redirect/);
    expect(server.hitCount('/target-away')).toBe(0);
  });

  it('refuses a fourth redirect', async () => {
    for (let i = 0; i < 5; i++) {
      server.routes.set(`/hop${i}`, { status: 307, headers: { location: `/hop${i + 1}` }, body: '' });
    }
    server.routes.set('/hop5', { body: {} });
    await expect(fetchJson(`${server.origin}/hop0`, dev)).rejects.toThrow(/too many redirects/);
  });
});

describe('parseCacheDirectives', () => {
  it('reads max-age, no-store and no-cache', () => {
    expect(parseCacheDirectives('max-age=300', null, null)).toEqual({ noStore: false, maxAgeSeconds: 300 });
    expect(parseCacheDirectives('no-store', null, null)).toEqual({ noStore: true, maxAgeSeconds: undefined });
    expect(parseCacheDirectives('no-cache', null, null).maxAgeSeconds).toBe(0);
    expect(parseCacheDirectives('max-age=abc', null, null).maxAgeSeconds).toBeUndefined();
  });

  it('folds Expires relative to Date when max-age is absent', () => {
    const date = 'Tue, 01 Jan 2030 00:00:00 GMT';
    const expires = 'Tue, 01 Jan 2030 00:10:00 GMT';
    expect(parseCacheDirectives(null, expires, date).maxAgeSeconds).toBe(600);
    expect(parseCacheDirectives('max-age=5', expires, date).maxAgeSeconds).toBe(5);
  });
});
