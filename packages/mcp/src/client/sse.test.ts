import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAAuthClient, generateKeyPair } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { type AAuthIdentity, createResource } from '@aauth-kit/resource';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDocumentsMcpServer,
  DOCUMENTS_WRITE_SCOPE,
  type ToolCallRecord,
} from '../__fixtures__/documents-mcp-server.js';
import { aauthMcp, aauthWellKnown } from '../server/express.js';
import { withAAuth } from './with-aauth.js';

let dev: DevServer | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  await dev?.close();
  server = undefined;
  dev = undefined;
});

describe('withAAuth with the legacy HTTP+SSE transport', () => {
  it('signs the GET event stream and the POSTed messages, and maps consent to -32042', async () => {
    dev = await startDevServer({ pollIntervalSeconds: 0 });
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
    const resource = createResource({
      issuer,
      signer: (await generateKeyPair()).signer,
      development: true,
      fetch: dev.fetch,
      trustedPersonServers: [dev.identifiers.personServer],
    });
    const seen: { method: string; kind: AAuthIdentity['kind'] }[] = [];
    const toolCalls: ToolCallRecord[] = [];
    const transports = new Map<string, SSEServerTransport>();
    const app = express();
    app.use(aauthWellKnown(resource));
    const guard = aauthMcp(resource, { tools: { summarize_document: DOCUMENTS_WRITE_SCOPE } });
    app.get('/sse', guard, async (req, res) => {
      seen.push({ method: 'GET', kind: req.aauth!.kind });
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      await createDocumentsMcpServer(toolCalls).connect(transport);
    });
    app.post('/messages', guard, async (req, res) => {
      seen.push({ method: 'POST', kind: req.aauth!.kind });
      const transport = transports.get(String(req.query.sessionId));
      if (transport === undefined) {
        res.status(404).end();
        return;
      }
      await transport.handlePostMessage(req, res, req.body);
    });
    server.on('request', app);

    const key = await generateKeyPair();
    const { agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
    const aauth = createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true,
      fetch: dev.fetch,
      consent: 'throw',
      minPollIntervalMs: 0,
    });
    const client = new Client({ name: 'sse-agent', version: '1.0.0' });
    await client.connect(
      new SSEClientTransport(new URL(`${issuer}/sse`), { fetch: withAAuth(aauth)(fetch) }),
    );
    const read = await client.callTool({ name: 'list_documents', arguments: {} });
    expect(read.isError).toBeFalsy();
    expect(seen[0]).toEqual({ method: 'GET', kind: 'agent' });
    expect(seen.filter((s) => s.method === 'POST').length).toBeGreaterThanOrEqual(2);
    expect(toolCalls[0]!.identity?.kind).toBe('agent');

    const args = { name: 'summarize_document', arguments: { document_id: 'roadmap' } };
    const error = await client.callTool(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UrlElicitationRequiredError);
    await dev.simulatedUser.approve((error as UrlElicitationRequiredError).elicitations[0]!.url);
    const result = await client.callTool(args);
    expect(result.isError).toBeFalsy();
    expect(toolCalls.at(-1)!.authInfo?.scopes).toEqual([DOCUMENTS_WRITE_SCOPE]);
    await client.close();
  });
});
