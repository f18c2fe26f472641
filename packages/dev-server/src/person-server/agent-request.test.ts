import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DWK, generateKeyPair, mintAgentToken } from '@aauth-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent } from '../__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from '../dev-server.js';

let server: DevServer;
let apIssuer: string;
let closeAp: () => Promise<void>;
const apKey = await generateKeyPair();

beforeAll(async () => {
  server = await startDevServer({ pollIntervalSeconds: 0 });
  // A second Agent Provider on loopback that issues sub-agent tokens bound to the dev Person Server.
  const ap = createServer((req, res) => {
    const body =
      req.url === `/.well-known/${DWK.agent}`
        ? JSON.stringify({ issuer: apIssuer, jwks_uri: `${apIssuer}/jwks.json` })
        : req.url === '/jwks.json'
          ? JSON.stringify(apKey.jwks)
          : undefined;
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => ap.listen(0, '127.0.0.1', resolve));
  apIssuer = `http://127.0.0.1:${(ap.address() as AddressInfo).port}`;
  closeAp = () =>
    new Promise((resolve) => {
      ap.closeAllConnections();
      ap.close(() => resolve());
    });
});
afterAll(async () => {
  await closeAp();
  await server.close();
});

describe('Person Server agent requests', () => {
  it('refuses a token request signed by a sub-agent (agent token with parent_agent)', async () => {
    const key = await generateKeyPair();
    const token = await mintAgentToken(
      {
        iss: apIssuer,
        sub: 'aauth:bot+helper@127.0.0.1',
        parent_agent: 'aauth:bot@127.0.0.1',
        ps: server.identifiers.personServer,
        cnf: { jwk: key.publicJwk },
      },
      { signer: apKey.signer, kid: apKey.kid, allowLocalhostHttp: true },
    );
    const agent = await createTestAgent(server, { key, unregistered: true });
    const response = await agent.request(`${server.identifiers.personServer}/person-token`, {
      json: { resource: server.identifiers.resource },
      token,
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.detail).toMatch(/sub-agent/);
  });
});
