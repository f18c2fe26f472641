/**
 * Shared helpers of the agent-client end-to-end tests: a dev server with a registered agent and a
 * client whose transport counts every exchange, small node:http servers on loopback, and leak checks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AAuthClient, AAuthClientOptions, AAuthEvent } from '../../packages/core/src/client/index.js';
import { createAAuthClient } from '../../packages/core/src/client/index.js';
import { type GeneratedKeyPair, generateKeyPair } from '../../packages/core/src/index.js';
import {
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from '../../packages/dev-server/src/index.js';

/** Live timers of this process (node lists one 'Timeout' per scheduled timer). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

export interface Exchange {
  method: string;
  url: string;
  status: number | undefined;
}

/** A fetch wrapper that records every exchange that reaches the transport. */
export function countingFetch(base: typeof fetch) {
  const exchanges: Exchange[] = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const entry: Exchange = { method: init?.method ?? 'GET', url, status: undefined };
    exchanges.push(entry);
    const response = await base(input, init);
    entry.status = response.status;
    return response;
  }) as typeof fetch;
  return {
    fetch: wrapped,
    exchanges,
    count(predicate: (exchange: Exchange) => boolean = () => true): number {
      return exchanges.filter(predicate).length;
    },
    reset(): void {
      exchanges.length = 0;
    },
  };
}

export interface DevWorld {
  server: DevServer;
  key: GeneratedKeyPair;
  agentToken: string;
  client: AAuthClient;
  transport: ReturnType<typeof countingFetch>;
  events: AAuthEvent[];
  resource: string;
  personTokenRequests(): number;
  authTokenRequests(): number;
}

export async function devWorld(
  serverOptions: DevServerOptions = {},
  clientOptions: Partial<AAuthClientOptions> = {},
): Promise<DevWorld> {
  const server = await startDevServer(serverOptions);
  const key = await generateKeyPair();
  const registered = await server.registerAgent({ publicJwk: key.publicJwk });
  const transport = countingFetch(server.fetch);
  const events: AAuthEvent[] = [];
  const client = createAAuthClient({
    signer: key.signer,
    agentToken: registered.agentToken,
    development: true,
    fetch: transport.fetch,
    onEvent: (event) => events.push(event),
    ...clientOptions,
  });
  const personEndpoint = `${server.identifiers.personServer}/person-token`;
  const authEndpoint = `${server.identifiers.personServer}/token`;
  return {
    server,
    key,
    agentToken: registered.agentToken,
    client,
    transport,
    events,
    resource: server.identifiers.resource,
    personTokenRequests: () => transport.count((e) => e.method === 'POST' && e.url === personEndpoint),
    authTokenRequests: () => transport.count((e) => e.method === 'POST' && e.url === authEndpoint),
  };
}

export { generateKeyPair };

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` (a development server identifier). */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A node:http server on loopback answering with `handler` (which may never resolve, to play a hung
 * peer). Open sockets are destroyed on close so a hung exchange cannot keep the process alive.
 */
export async function loopbackServer(
  handler: (request: RecordedRequest, origin: string) => Reply | 'hang' | Promise<Reply | 'hang'>,
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, origin)).then(
        (reply) => {
          if (reply === 'hang') return;
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body ?? '');
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
