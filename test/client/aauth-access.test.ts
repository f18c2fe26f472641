/**
 * AAuth-Access session tokens (P11 §1.2 mode 2, #aauth-access) end to end: the real agent client against
 * the dev server's sample resource. What the resource verified is read from `onResourceRequest`, and what
 * the client sent from the fetch it was given.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signMessage } from '../../packages/core/src/index.js';
import type { ResourceRequestRecord } from '../../packages/dev-server/src/index.js';
import { sessionTokenId } from '../../packages/resource/src/index.js';
import { type DevWorld, devWorld } from './helpers.js';

let world: DevWorld | undefined;
afterEach(async () => {
  await world?.server.close();
  world = undefined;
});

interface Sent {
  url: string;
  authorization: string | null;
}

async function sessionWorld(): Promise<{ world: DevWorld; records: ResourceRequestRecord[]; sent: Sent[] }> {
  const records: ResourceRequestRecord[] = [];
  const sent: Sent[] = [];
  let server: DevWorld['server'] | undefined;
  const fetchThroughServer = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    return server!.fetch(input, init);
  }) as typeof fetch;
  const created = await devWorld(
    { onResourceRequest: (record) => records.push(record) },
    { fetch: fetchThroughServer },
  );
  server = created.server;
  return { world: created, records, sent };
}

function accessToken(response: Response): string {
  const token = response.headers.get('aauth-access');
  if (token === null) throw new Error('the response carried no AAuth-Access');
  return token;
}

describe('AAuth-Access against the dev server', () => {
  it('gets a session on the first call and presents it, covered by the signature, on the next', async () => {
    const setup = await sessionWorld();
    world = setup.world;
    const { records, sent } = setup;

    const opened = await world.client.fetch(`${world.resource}/session`, { method: 'POST' });
    expect(opened.status).toBe(204);
    const token = accessToken(opened);
    expect(sent[0]?.authorization).toBeNull();
    expect(records[0]?.identity?.issuedSession?.id).toBe(await sessionTokenId(token));

    const read = await world.client.fetch(`${world.resource}/documents`);
    expect(read.status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ url: `${world.resource}/documents`, authorization: `AAuth ${token}` });
    // What the resource itself verified: the agent, its session, and a signature covering authorization.
    const verified = records[1]?.identity;
    expect(verified?.kind).toBe('agent');
    expect(verified?.agentId).toBe(records[0]?.identity?.agentId);
    expect(verified?.session?.id).toBe(await sessionTokenId(token));
    expect(verified?.signature.components).toContain('authorization');
    expect(JSON.stringify(verified?.session)).not.toContain(token);
  });

  it('switches to the newest AAuth-Access on rolling refresh', async () => {
    const setup = await sessionWorld();
    world = setup.world;
    const { records, sent } = setup;

    const first = accessToken(await world.client.fetch(`${world.resource}/session`, { method: 'POST' }));
    const refreshed = await world.client.fetch(`${world.resource}/session`, { method: 'POST' });
    expect(refreshed.status).toBe(204);
    const second = accessToken(refreshed);
    expect(second).not.toBe(first);
    // The refresh itself was made in the first session, which the resource retired for the second.
    expect(sent[1]?.authorization).toBe(`AAuth ${first}`);
    expect(records[1]?.identity?.session?.id).toBe(await sessionTokenId(first));
    expect(records[1]?.identity?.issuedSession?.id).toBe(await sessionTokenId(second));

    const read = await world.client.fetch(`${world.resource}/documents/1`);
    expect(read.status).toBe(200);
    expect(sent[2]?.authorization).toBe(`AAuth ${second}`);
    expect(records[2]?.identity?.session?.id).toBe(await sessionTokenId(second));
    expect(records.map((record) => record.status)).toEqual([204, 204, 200]);
  });

  it('drops a session the resource no longer accepts and re-sends the call once on the agent token alone', async () => {
    const setup = await sessionWorld();
    world = setup.world;
    const { records, sent } = setup;
    const stale = accessToken(await world.client.fetch(`${world.resource}/session`, { method: 'POST' }));

    // Another request of the same agent rolls the session: the resource retires the token the client holds.
    const url = `${world.resource}/session`;
    const headers: Record<string, string> = { authorization: `AAuth ${stale}` };
    const signed = await signMessage(
      { method: 'POST', url, headers },
      { signer: world.key.signer, signatureKey: { scheme: 'jwt', jwt: world.agentToken }, nonce: true },
    );
    expect(
      (await world.server.fetch(url, { method: 'POST', headers: { ...headers, ...signed } })).status,
    ).toBe(204);

    const read = await world.client.fetch(`${world.resource}/documents`);
    expect(read.status).toBe(200);
    const reads = sent.filter((entry) => entry.url === `${world!.resource}/documents`);
    expect(reads.map((entry) => entry.authorization)).toEqual([`AAuth ${stale}`, null]);
    expect(records.slice(-2).map((record) => record.status)).toEqual([401, 200]);
    // Later calls no longer send the refused token.
    await world.client.fetch(`${world.resource}/documents/1`);
    expect(sent.at(-1)?.authorization).toBeNull();
  });
});
