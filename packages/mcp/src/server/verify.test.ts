import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AAuthEvent, ConfigurationError, generateKeyPair } from '@aauth-kit/core';
import { createResource, type Resource } from '@aauth-kit/resource';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { startDocumentsMcpServer } from '../__fixtures__/documents-mcp-server.js';
import { type McpWorld, mcpWorld } from '../__fixtures__/world.js';
import { createAAuthTransport } from '../client/transport.js';
import { AAuthIdentityMissingError, InsufficientScopeError } from '../errors.js';
import { aauthIdentity, requireScope } from './auth-info.js';
import { aauthMcp } from './express.js';
import { createMcpVerifier } from './verify.js';

let world: McpWorld | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function someResource(): Promise<Resource> {
  const { signer } = await generateKeyPair();
  return createResource({ issuer: 'http://localhost:9', signer, development: true });
}

const call = (name: string, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});

describe('createMcpVerifier: choosing the route from the JSON-RPC body', () => {
  it('uses the tool requirement for a declared tools/call and the base route for everything else', async () => {
    const verifier = createMcpVerifier(await someResource(), {
      tools: { write: 'docs.write', admin: { accept: ['person'] } },
    });
    expect(verifier.routeFor(call('write'))).toEqual({ accept: ['auth'], scope: 'docs.write' });
    expect(verifier.routeFor(call('admin'))).toEqual({ accept: ['person'] });
    const base = { accept: ['agent', 'person', 'auth'] };
    expect(verifier.routeFor(call('read'))).toEqual(base);
    expect(verifier.routeFor({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toEqual(base);
    expect(verifier.routeFor(undefined)).toEqual(base);
    expect(verifier.routeFor({ not: 'json-rpc' })).toEqual(base);
  });

  it('combines the declared tools of a batch: shared token kinds, all scopes', async () => {
    const verifier = createMcpVerifier(await someResource(), {
      tools: { a: 'x.read', b: ['y.write'], c: { accept: ['auth', 'person'] } },
    });
    expect(verifier.routeFor([call('a', 1), call('b', 2), call('read', 3)])).toEqual({
      accept: ['auth'],
      scope: ['x.read', 'y.write'],
    });
    expect(verifier.routeFor([call('c', 1), call('a', 2)])).toEqual({ accept: ['auth'], scope: ['x.read'] });
  });

  it('refuses bad requirements when the middleware is created', async () => {
    const resource = await someResource();
    expect(() => createMcpVerifier(resource, { route: { accept: [] } })).toThrow(ConfigurationError);
    expect(() => createMcpVerifier(resource, { tools: { t: { accept: ['agent'], scope: 'x' } } })).toThrow(
      /tools\.t/,
    );
    expect(() => createMcpVerifier(resource, { tools: { t: 'bad"scope' } })).toThrow(ConfigurationError);
    expect(() => createMcpVerifier({} as Resource)).toThrow(ConfigurationError);
  });
});

describe('the MCP server middleware against real agents', () => {
  it('challenges a declared tool at the HTTP layer: 401 person-token, then 401 auth-token with a resource token', async () => {
    const events: AAuthEvent[] = [];
    world = await mcpWorld({ aauth: { onEvent: (event) => events.push(event) } });
    events.length = 0;
    await world.client
      .callTool({ name: 'summarize_document', arguments: { document_id: 'roadmap' } })
      .catch(() => undefined);
    const answers = events
      .filter(
        (e) => e.step === 'resource' && e.phase === 'response' && e.method === 'POST' && e.status !== 202,
      )
      .map((e) => [e.token, e.status, e.requirement?.split(';')[0]]);
    expect(answers).toEqual([
      ['agent', 401, 'requirement=person-token'],
      ['person', 401, 'requirement=auth-token'],
    ]);
    const challenge = events.find((e) => e.requirement?.startsWith('requirement=auth-token'))!;
    expect(challenge.requirement).toMatch(/resource-token="[^"]+"/);
  });

  it('answers an authenticated body that is not JSON with a JSON-RPC parse error', async () => {
    world = await mcpWorld();
    const response = await world.aauth.fetch(world.mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: Invalid JSON' },
    });
  });

  it('answers 413 for a body over the resource limit before looking at any signature', async () => {
    world = await mcpWorld();
    const response = await fetch(world.mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `"${'x'.repeat(world.mcp.resource.maxBodyBytes)}"`,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('requireScope passes a token granting the scope and refuses one that does not', async () => {
    world = await mcpWorld();
    await world.client.callTool({ name: 'list_documents', arguments: {} });
    const agentCall = world.mcp.toolCalls[0]!;
    expect(aauthIdentity({ authInfo: agentCall.authInfo })).toBe(agentCall.identity);
    expect(aauthIdentity(agentCall.authInfo)).toBe(agentCall.identity);
    const refused = (() => {
      try {
        requireScope({ authInfo: agentCall.authInfo }, 'documents.write documents.read');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(InsufficientScopeError);
    expect((refused as InsufficientScopeError).missing).toEqual(['documents.write', 'documents.read']);
    expect((refused as InsufficientScopeError).code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(() => requireScope({}, 'documents.write')).toThrow(AAuthIdentityMissingError);
    expect(() =>
      requireScope({ authInfo: { token: 't', clientId: 'c', scopes: ['documents.write'] } }, 'x'),
    ).toThrow(AAuthIdentityMissingError);

    const error = await world.client
      .callTool({ name: 'summarize_document', arguments: { document_id: 'roadmap' } })
      .catch((e: unknown) => e as { elicitations: { url: string }[] });
    await world.dev.simulatedUser.approve(
      (error as { elicitations: { url: string }[] }).elicitations[0]!.url,
    );
    await world.client.callTool({ name: 'summarize_document', arguments: { document_id: 'roadmap' } });
    const authCall = world.mcp.toolCalls.at(-1)!;
    expect(requireScope({ authInfo: authCall.authInfo }, ['documents.write'])).toBe(authCall.identity);
  });

  it('a tool that requires a scope nobody declared reports it as a readable tool error', async () => {
    world = await mcpWorld();
    // Undeclared: the agent token reaches summarize_document, whose requireScope refuses it.
    const open = await startDocumentsMcpServer({ devServer: world.dev, aauth: {} });
    const client = new Client({ name: 'undeclared', version: '1.0.0' });
    await client.connect(createAAuthTransport(open.url, { client: world.aauth }));
    const result = await client.callTool({
      name: 'summarize_document',
      arguments: { document_id: 'roadmap' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toBe(
      'this tool needs the AAuth scope documents.write, which the presented token does not grant',
    );
    await client.close();
    await open.close();
  });

  it('refuses a body already parsed by express.json() with a ConfigurationError', async () => {
    const resource = await someResource();
    const errors: unknown[] = [];
    const app = express();
    app.use(express.json());
    app.post('/mcp', aauthMcp(resource), (_req, res) => {
      res.end();
    });
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).end();
    });
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    expect(response.status).toBe(500);
    expect(errors[0]).toBeInstanceOf(ConfigurationError);
    expect((errors[0] as Error).message).toMatch(/before express\.json\(\)/);
  });
});
