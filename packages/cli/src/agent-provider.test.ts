import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, NetworkError } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { afterEach, describe, expect, it } from 'vitest';
import { agentProviderOrigin, requestAgentToken } from './agent-provider.js';
import { SetupError } from './errors.js';

let dev: DevServer | undefined;
afterEach(async () => {
  await dev?.close();
  dev = undefined;
});

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('dev Agent Provider client', () => {
  it('registers a key, then gets fresh tokens for it signed with hwk', async () => {
    dev = await startDevServer();
    const key = await generateKeyPair();
    const registered = await requestAgentToken({
      agentProvider: dev.urls.agentProvider,
      signer: key.signer,
      register: true,
      local: 'cli-test',
    });
    expect(registered.agentId).toBe('aauth:cli-test@localhost');
    expect(claims(registered.agentToken)).toMatchObject({
      iss: dev.identifiers.agentProvider,
      sub: 'aauth:cli-test@localhost',
      ps: dev.identifiers.personServer,
      cnf: { jwk: { x: key.publicJwk.x } },
    });
    const fresh = await requestAgentToken({
      agentProvider: dev.urls.agentProvider,
      signer: key.signer,
      register: false,
    });
    expect(fresh.agentId).toBe(registered.agentId);
    expect(fresh.agentToken).not.toBe(registered.agentToken);
    expect(fresh.expiresIn).toBe(3600);
  });

  it('says how to register a key the provider does not know', async () => {
    dev = await startDevServer();
    const key = await generateKeyPair();
    const error = await requestAgentToken({
      agentProvider: dev.urls.agentProvider,
      signer: key.signer,
      register: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect((error as SetupError).message).toBe(`this key is not registered at ${dev.urls.agentProvider}`);
    expect((error as SetupError).hint).toContain('--register');
  });

  it('recognizes a server that is not a dev Agent Provider', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer":"x"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const key = await generateKeyPair();
      const error = await requestAgentToken({
        agentProvider: origin,
        signer: key.signer,
        register: true,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SetupError);
      expect((error as SetupError).message).toBe(
        `${origin} is not a dev-server Agent Provider (its metadata has no registration_endpoint)`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports an unreachable provider as a network error', async () => {
    const key = await generateKeyPair();
    const error = await requestAgentToken({
      agentProvider: 'http://127.0.0.1:9',
      signer: key.signer,
      register: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe(
      'cannot reach http://127.0.0.1:9/.well-known/aauth-agent.json',
    );
  });

  it('accepts https and loopback http origins only', () => {
    expect(agentProviderOrigin('http://localhost:8752/')).toBe('http://localhost:8752');
    expect(agentProviderOrigin('https://agents.example/x')).toBe('https://agents.example');
    expect(() => agentProviderOrigin('http://agents.example')).toThrow(SetupError);
    expect(() => agentProviderOrigin('not a url')).toThrow('is not a URL');
  });
});
