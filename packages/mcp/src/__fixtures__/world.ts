/**
 * Test world: the dev server (Agent Provider + Person Server), the documents MCP server, a registered
 * agent with an AAuth client, and a real MCP Client connected through `createAAuthTransport`.
 */
import {
  type AAuthClient,
  type AAuthClientOptions,
  createAAuthClient,
  type GeneratedKeyPair,
  generateKeyPair,
} from '@aauth-kit/core';
import { type DevServer, type DevServerOptions, startDevServer } from '@aauth-kit/dev-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createAAuthTransport } from '../client/transport.js';
import type { WithAAuthOptions } from '../client/with-aauth.js';
import { type DocumentsMcpServer, startDocumentsMcpServer } from './documents-mcp-server.js';

/** One exchange of the AAuth client with the network. */
export interface Exchange {
  method: string;
  url: string;
}

export interface McpWorld {
  dev: DevServer;
  /** Every request the AAuth client sent (resource, Person Server, polls). */
  exchanges: Exchange[];
  mcp: DocumentsMcpServer;
  key: GeneratedKeyPair;
  agentId: string;
  aauth: AAuthClient;
  client: Client;
  transport: StreamableHTTPClientTransport;
  close(): Promise<void>;
}

export interface McpWorldOptions {
  framework?: 'express' | 'hono';
  dev?: DevServerOptions;
  aauth?: Partial<AAuthClientOptions>;
  middleware?: WithAAuthOptions;
}

export async function mcpWorld(options: McpWorldOptions = {}): Promise<McpWorld> {
  // pollIntervalSeconds 0 + minPollIntervalMs 0: a retry right after approval polls at once.
  const dev = await startDevServer({ pollIntervalSeconds: 0, ...options.dev });
  const mcp = await startDocumentsMcpServer({
    devServer: dev,
    ...(options.framework === undefined ? {} : { framework: options.framework }),
  });
  const key = await generateKeyPair();
  const registered = await dev.registerAgent({ publicJwk: key.publicJwk });
  const exchanges: Exchange[] = [];
  const recording = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    exchanges.push({ method: init?.method ?? 'GET', url });
    return dev.fetch(input, init);
  }) as typeof fetch;
  const aauth = createAAuthClient({
    signer: key.signer,
    agentToken: registered.agentToken,
    development: true,
    fetch: recording,
    consent: 'throw',
    minPollIntervalMs: 0,
    ...options.aauth,
  });
  const transport = createAAuthTransport(mcp.url, { client: aauth, ...options.middleware });
  const client = new Client(
    { name: 'aauth-test-agent', version: '1.0.0' },
    { capabilities: { elicitation: { url: {} } } },
  );
  await client.connect(transport);
  return {
    dev,
    exchanges,
    mcp,
    key,
    agentId: registered.agentId,
    aauth,
    client,
    transport,
    async close() {
      await client.close().catch(() => undefined);
      await mcp.close();
      await dev.close();
    },
  };
}
