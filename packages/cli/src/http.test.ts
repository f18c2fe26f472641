import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, ProtocolError, TimeoutError } from '@aauth-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure, readJsonObject, send } from './http.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A loopback server that never answers. */
async function silentServer(): Promise<string> {
  server = createServer(() => {});
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('the CLI HTTP exchanges', () => {
  it('gives up with TimeoutError after timeoutMs', async () => {
    const url = await silentServer();
    const started = Date.now();
    const error = await send(url, { method: 'GET' }, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(`GET ${url}: no answer within 100 ms`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops with AbortedError when the caller's signal fires", async () => {
    const url = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await send(url, { method: 'POST' }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
  });

  it('reads JSON objects and refuses other bodies as protocol errors', async () => {
    expect(await readJsonObject(new Response('{"a":1}'), 'https://x.example/')).toEqual({ a: 1 });
    await expect(readJsonObject(new Response('<html>'), 'https://x.example/')).rejects.toThrow(ProtocolError);
    await expect(readJsonObject(new Response('[1]'), 'https://x.example/')).rejects.toThrow(
      'https://x.example/ answered 200 with JSON that is not an object',
    );
  });

  it('describes a failure by its problem code and detail, else by its status', async () => {
    const problem = new Response('{"error":"invalid_request","detail":"jwk is required"}', { status: 400 });
    expect(await describeFailure(problem)).toEqual({ error: 'invalid_request', detail: 'jwk is required' });
    expect(await describeFailure(new Response('oops', { status: 502 }))).toEqual({ error: 'HTTP 502' });
  });
});
