import { afterEach, describe, expect, it } from 'vitest';
import { createTestAgent } from '../__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from '../dev-server.js';
import type { ResourceRequestRecord } from './sample-resource.js';

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('onResourceRequest', () => {
  it('reports the identity the sample resource verified, and why it challenged or refused', async () => {
    const records: ResourceRequestRecord[] = [];
    server = await startDevServer({ onResourceRequest: (record) => records.push(record) });
    const agent = await createTestAgent(server, { local: 'observed' });
    const resource = server.identifiers.resource;

    expect((await agent.request(`${resource}/.well-known/aauth-resource.json`)).status).toBe(200);
    expect((await agent.request(`${resource}/documents?page=1`)).status).toBe(200);
    expect((await agent.request(`${resource}/documents/1/summary`, { method: 'POST' })).status).toBe(401);
    expect((await agent.request(`${resource}/documents`, { unsigned: true })).status).toBe(401);

    // The well-known document is not a documents API request.
    expect(records.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'GET', path: '/documents?page=1', status: 200 },
      { method: 'POST', path: '/documents/1/summary', status: 401 },
      { method: 'GET', path: '/documents', status: 401 },
    ]);
    const [read, write, unsigned] = records;
    expect(read?.identity).toMatchObject({ kind: 'agent', agentId: 'aauth:observed@localhost' });
    expect(read?.error).toBeUndefined();
    expect(write?.identity).toBeUndefined();
    expect(write?.error).toBe('ERR_AUTHORIZATION_REQUIRED');
    expect(unsigned?.identity).toBeUndefined();
    expect(unsigned?.error).toBe('ERR_SIGNATURE_VERIFICATION');
    expect(read?.at).toBeGreaterThan(0);
  });

  it('keeps the answer when the observer throws, and reports the fault to onError', async () => {
    const faults: unknown[] = [];
    server = await startDevServer({
      onResourceRequest: () => {
        throw new RangeError('observer broke');
      },
      onError: (error) => faults.push(error),
    });
    const agent = await createTestAgent(server);
    const response = await agent.request(`${server.identifiers.resource}/documents`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { documents: unknown[] }).documents.length).toBeGreaterThan(0);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toBeInstanceOf(RangeError);
  });
});
