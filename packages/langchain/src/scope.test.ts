import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@aauth-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, thumbprintOf, type World } from './__fixtures__/world.js';
import { aauthFetch, createAAuthFetch, currentAAuthClient, runWithAAuth } from './scope.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('aauthFetch and the AAuth scope', () => {
  it('outside a scope rejects with ConfigurationError and sends nothing', async () => {
    let received = 0;
    const server = createServer((_req, res) => {
      received++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await aauthFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('outside an AAuth scope');
      expect(currentAAuthClient()).toBeUndefined();
      expect(received).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('inside runWithAAuth signs with that client, across awaits and nested async calls', async () => {
    world = await startWorld();
    const w = world;
    const status = await runWithAAuth(w.client, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(currentAAuthClient()).toBe(w.client);
      const nested = async () => (await aauthFetch(`${w.notes}/notes`)).status;
      return nested();
    });
    expect(status).toBe(200);
    expect(w.verified).toEqual([expect.objectContaining({ kind: 'agent', agentJkt: thumbprintOf(w) })]);
    expect(currentAAuthClient()).toBeUndefined();
  });

  it('createAAuthFetch({ outsideScope: client }) signs with the fallback client outside a scope', async () => {
    world = await startWorld();
    const signed = createAAuthFetch({ outsideScope: world.client });
    expect((await signed(`${world.notes}/notes`)).status).toBe(200);
    expect(world.verified).toHaveLength(1);
  });

  it('createAAuthFetch({ outsideScope: fetch }) is the explicit opt-in to unsigned requests', async () => {
    world = await startWorld();
    const unsigned: string[] = [];
    const plain = createAAuthFetch({
      outsideScope: async (input) => {
        unsigned.push(String(input));
        return fetch(input);
      },
    });
    const response = await plain(`${world.notes}/notes`);
    // The resource refuses an unsigned request; nothing was verified.
    expect(response.status).toBe(401);
    expect(unsigned).toEqual([`${world.notes}/notes`]);
    expect(world.verified).toEqual([]);
  });

  it('rejects an outsideScope that is neither a client nor a fetch', () => {
    expect(() => createAAuthFetch({ outsideScope: 42 as never })).toThrow(ConfigurationError);
  });
});
