/**
 * A documents MCP server protected by AAuth, for tests and examples (this package's, and the LangChain
 * and AI SDK adapters'). Two tools:
 *   list_documents                  a read: any AAuth token, so the agent token alone works at once
 *   summarize_document{document_id} a write: an auth token with scope `documents.write`, which the dev
 *                                   Person Server grants only after the person's consent
 * Stateful Streamable HTTP (one McpServer + transport per session), on express (default) or hono, with
 * the resource's well-known documents served next to `/mcp`. Every verified HTTP request and every tool
 * call is recorded with what the server saw, so tests can assert on it.
 *
 *   const mcp = await startDocumentsMcpServer({ devServer });
 *   // mcp.url → http://localhost:<port>/mcp ; mcp.toolCalls[0].authInfo ; await mcp.close()
 */
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair } from '@aauth-kit/core';
import type { DevServer } from '@aauth-kit/dev-server';
import { type AAuthIdentity, createResource, type Resource } from '@aauth-kit/resource';
import { getRequestListener } from '@hono/node-server';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { Hono } from 'hono';
import { z } from 'zod';
import { aauthIdentity, requireScope } from '../server/auth-info.js';
import * as expressGlue from '../server/express.js';
import * as honoGlue from '../server/hono.js';
import type { AAuthMcpOptions } from '../server/verify.js';

export const DOCUMENTS_WRITE_SCOPE = 'documents.write';
export const MCP_PATH = '/mcp';

export const DOCUMENTS = [
  {
    id: 'q3-report',
    title: 'Q3 report',
    body: 'Revenue grew 12% on the new plans. Churn fell for the third quarter in a row.',
  },
  {
    id: 'roadmap',
    title: 'Roadmap 2027',
    body: 'We ship the agent SDK in spring. Enterprise features follow in autumn.',
  },
  { id: 'onboarding', title: 'Onboarding guide', body: 'Read the handbook first. Then meet your buddy.' },
] as const;

/** The summary `summarize_document` produces: the document's first sentence. */
export function summaryOf(documentId: string): string | undefined {
  const document = DOCUMENTS.find((d) => d.id === documentId);
  return document === undefined ? undefined : `${document.title}: ${document.body.split('. ')[0]}.`;
}

/** What a tool handler saw. */
export interface ToolCallRecord {
  tool: string;
  arguments: Record<string, unknown>;
  authInfo: AuthInfo | undefined;
  identity: AAuthIdentity | undefined;
  /** The `Signature-Key` header of the HTTP request that carried the call. */
  signatureKey: string | undefined;
}

/** One verified HTTP request (after the AAuth middleware). */
export interface HttpRecord {
  method: string;
  /** The token kind the request was verified with. */
  kind: AAuthIdentity['kind'];
  /** JSON-RPC methods in the body (empty for GET and DELETE). */
  rpc: string[];
  sessionId: string | undefined;
}

export interface DocumentsMcpServerOptions {
  /** The dev server whose Agent Provider and Person Server the MCP server trusts. */
  devServer: Pick<DevServer, 'fetch' | 'identifiers'>;
  /** Listen port (default 0: any free port). */
  port?: number;
  /** Listen address (default 127.0.0.1); the identifier is `http://localhost:<port>`. */
  host?: string;
  /** Which middleware serves it (default express). */
  framework?: 'express' | 'hono';
  /** Overrides the AAuth requirements (default: `summarize_document` needs `documents.write`). */
  aauth?: AAuthMcpOptions;
}

export interface DocumentsMcpServer {
  /** The MCP endpoint (`http://localhost:<port>/mcp`). */
  url: string;
  /** The MCP server's AAuth resource identifier (`http://localhost:<port>`). */
  issuer: string;
  resource: Resource;
  toolCalls: ToolCallRecord[];
  requests: HttpRecord[];
  /** Open MCP sessions. */
  sessionCount(): number;
  close(): Promise<void>;
}

function rpcMethods(body: unknown): string[] {
  const list = Array.isArray(body) ? body : [body];
  return list
    .map((m) => (typeof m === 'object' && m !== null ? (m as { method?: unknown }).method : undefined))
    .filter((m): m is string => typeof m === 'string');
}

function text(value: unknown) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }] };
}

/** A fresh McpServer with the two documents tools, recording each call into `toolCalls`. */
export function createDocumentsMcpServer(toolCalls: ToolCallRecord[]): McpServer {
  const server = new McpServer({ name: 'aauth-documents', version: '1.0.0' });
  server.registerTool(
    'list_documents',
    { description: 'List the documents (id and title).', inputSchema: {} },
    async (args, extra) => {
      toolCalls.push({
        tool: 'list_documents',
        arguments: args,
        authInfo: extra.authInfo,
        identity: aauthIdentity(extra),
        signatureKey: extra.requestInfo?.headers['signature-key'] as string | undefined,
      });
      return text({ documents: DOCUMENTS.map(({ id, title }) => ({ id, title })) });
    },
  );
  server.registerTool(
    'summarize_document',
    {
      description: 'Write a summary of a document (needs the person to consent once).',
      inputSchema: { document_id: z.string().describe('id from list_documents') },
    },
    async (args, extra) => {
      toolCalls.push({
        tool: 'summarize_document',
        arguments: args,
        authInfo: extra.authInfo,
        identity: aauthIdentity(extra),
        signatureKey: extra.requestInfo?.headers['signature-key'] as string | undefined,
      });
      // Declared in aauthMcp({ tools }) too: the agent was challenged for the scope before we got here.
      const identity = requireScope(extra, DOCUMENTS_WRITE_SCOPE);
      const summary = summaryOf(args.document_id);
      if (summary === undefined) {
        return { ...text({ error: `no document ${args.document_id}` }), isError: true };
      }
      return text({ document_id: args.document_id, summary, person: identity.person?.sub });
    },
  );
  return server;
}

interface Session {
  close(): Promise<void>;
}

function noSession(status: number, message: string) {
  return { status, body: { jsonrpc: '2.0', id: null, error: { code: -32000, message } } };
}

function expressApp(
  resource: Resource,
  aauth: AAuthMcpOptions,
  records: { toolCalls: ToolCallRecord[]; requests: HttpRecord[] },
  sessions: Map<string, Session>,
): RequestListener {
  const app = express();
  const transports = new Map<string, StreamableHTTPServerTransport>();
  app.use(expressGlue.aauthWellKnown(resource));
  app.all(MCP_PATH, expressGlue.aauthMcp(resource, aauth), async (req, res) => {
    const header = req.headers['mcp-session-id'];
    const sessionId = typeof header === 'string' ? header : undefined;
    records.requests.push({
      method: req.method,
      kind: req.aauth!.kind,
      rpc: rpcMethods(req.body),
      sessionId,
    });
    let transport = sessionId === undefined ? undefined : transports.get(sessionId);
    if (transport === undefined) {
      if (sessionId !== undefined || req.method !== 'POST' || !isInitializeRequest(req.body)) {
        const answer = noSession(sessionId === undefined ? 400 : 404, 'no valid session');
        res.status(answer.status).json(answer.body);
        return;
      }
      transport = await openSession(
        (options) => new StreamableHTTPServerTransport(options),
        transports,
        sessions,
        records.toolCalls,
      );
    }
    await transport.handleRequest(req, res, req.body);
  });
  return app;
}

/** A new MCP session on `make`'s transport, kept in both maps until it closes. */
async function openSession<T extends Transport & Session>(
  make: (options: { sessionIdGenerator: () => string; onsessioninitialized: (id: string) => void }) => T,
  transports: Map<string, T>,
  sessions: Map<string, Session>,
  toolCalls: ToolCallRecord[],
): Promise<T> {
  const created = make({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => {
      transports.set(id, created);
      sessions.set(id, created);
    },
  });
  created.onclose = () => {
    if (created.sessionId !== undefined) {
      transports.delete(created.sessionId);
      sessions.delete(created.sessionId);
    }
  };
  await createDocumentsMcpServer(toolCalls).connect(created);
  return created;
}

function honoApp(
  resource: Resource,
  aauth: AAuthMcpOptions,
  records: { toolCalls: ToolCallRecord[]; requests: HttpRecord[] },
  sessions: Map<string, Session>,
): RequestListener {
  const app = new Hono<honoGlue.AAuthMcpEnv>();
  const transports = new Map<string, WebStandardStreamableHTTPServerTransport>();
  app.use('/.well-known/*', honoGlue.aauthWellKnown(resource));
  app.all(MCP_PATH, honoGlue.aauthMcp(resource, aauth), async (c) => {
    const sessionId = c.req.header('mcp-session-id');
    const body = c.get('parsedBody');
    records.requests.push({
      method: c.req.method,
      kind: c.get('aauth').kind,
      rpc: rpcMethods(body),
      sessionId,
    });
    let transport = sessionId === undefined ? undefined : transports.get(sessionId);
    if (transport === undefined) {
      if (sessionId !== undefined || c.req.method !== 'POST' || !isInitializeRequest(body)) {
        const answer = noSession(sessionId === undefined ? 400 : 404, 'no valid session');
        return c.json(answer.body, answer.status as 400 | 404);
      }
      transport = await openSession(
        (options) => new WebStandardStreamableHTTPServerTransport(options),
        transports,
        sessions,
        records.toolCalls,
      );
    }
    return transport.handleRequest(c.req.raw, { authInfo: c.get('authInfo'), parsedBody: body });
  });
  return getRequestListener(app.fetch, { overrideGlobalObjects: false });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the documents MCP server on loopback (see the module comment). */
export async function startDocumentsMcpServer(
  options: DocumentsMcpServerOptions,
): Promise<DocumentsMcpServer> {
  const server = createServer();
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const issuer = `http://localhost:${port}`;
  const { signer } = await generateKeyPair();
  const resource = createResource({
    issuer,
    signer,
    development: true,
    fetch: options.devServer.fetch,
    trustedPersonServers: [options.devServer.identifiers.personServer],
    metadata: {
      name: 'Documents MCP server',
      scope_descriptions: { [DOCUMENTS_WRITE_SCOPE]: 'Write summaries of your documents' },
    },
  });
  const aauth = options.aauth ?? { tools: { summarize_document: DOCUMENTS_WRITE_SCOPE } };
  const toolCalls: ToolCallRecord[] = [];
  const requests: HttpRecord[] = [];
  const sessions = new Map<string, Session>();
  const records = { toolCalls, requests };
  const listener =
    options.framework === 'hono'
      ? honoApp(resource, aauth, records, sessions)
      : expressApp(resource, aauth, records, sessions);
  server.on('request', listener);
  let closing: Promise<void> | undefined;
  return {
    url: `${issuer}${MCP_PATH}`,
    issuer,
    resource,
    toolCalls,
    requests,
    sessionCount: () => sessions.size,
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...sessions.values()].map((session) => session.close()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
