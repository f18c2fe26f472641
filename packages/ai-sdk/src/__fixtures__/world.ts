/**
 * Test world: the dev server (Agent Provider + Person Server with a scripted person), a registered
 * agent with a `consent: 'throw'` client, and a "notes" resource built with @aauth-kit/resource that
 * records every request it verified (so tests assert on what the resource saw, not on the client).
 *   GET  /notes  agent, person or auth token
 *   POST /notes  auth token with scope notes.write (the dev Person Server asks the person)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AAuthClient,
  type AAuthClientOptions,
  createAAuthClient,
  type GeneratedKeyPair,
  generateKeyPair,
} from '@aauth-kit/core';
import { type DevServer, type DevServerOptions, startDevServer } from '@aauth-kit/dev-server';
import { createResource, type Resource, withAAuth } from '@aauth-kit/resource';
import { sendWebResponse, toWebRequest } from '@aauth-kit/resource/node';

export const NOTES_WRITE = 'notes.write';

/** What the resource saw on a request it verified. */
export interface SeenRequest {
  method: string;
  path: string;
  kind: 'agent' | 'person' | 'auth';
  agentJkt: string;
  agentId: string | undefined;
  scope: string[];
  /** Components the verified signature covered (`@method`, `@authority`, `@path`, ...). */
  covered: string[];
  body: string;
}

export interface NotesResource {
  origin: string;
  seen: SeenRequest[];
  notes: { id: string; text: string }[];
  close(): Promise<void>;
}

async function startNotesResource(dev: DevServer): Promise<NotesResource> {
  const seen: SeenRequest[] = [];
  const notes: { id: string; text: string }[] = [];
  let resource: Resource | undefined;
  let read: ((request: Request) => Promise<Response>) | undefined;
  let write: ((request: Request) => Promise<Response>) | undefined;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const request = await toWebRequest(req);
      const { pathname } = new URL(request.url);
      const wellKnown = resource?.handleWellKnown(request);
      if (wellKnown !== undefined) return sendWebResponse(res, wellKnown);
      if (pathname !== '/notes') return sendWebResponse(res, new Response('not found', { status: 404 }));
      const handler = request.method === 'POST' ? write : read;
      return sendWebResponse(res, await handler!(request));
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  resource = createResource({
    issuer: origin,
    signer: (await generateKeyPair()).signer,
    development: true,
    fetch: dev.fetch,
    trustedPersonServers: [dev.identifiers.personServer],
    metadata: { name: 'Notes', scope_descriptions: { [NOTES_WRITE]: 'Write notes' } },
  });
  const record = async (
    request: Request,
    identity: Parameters<Parameters<typeof withAAuth>[2]>[1],
  ): Promise<string> => {
    const body = request.method === 'GET' ? '' : await request.text();
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname,
      kind: identity.kind,
      agentJkt: identity.agentJkt,
      agentId: identity.agentId,
      scope: [...identity.scope],
      covered: [...identity.signature.components],
      body,
    });
    return body;
  };
  read = withAAuth(resource, { accept: ['agent', 'person', 'auth'] }, async (request, identity) => {
    await record(request, identity);
    return Response.json({ notes });
  });
  write = withAAuth(resource, { accept: ['auth'], scope: NOTES_WRITE }, async (request, identity) => {
    const body = await record(request, identity);
    const note = { id: `n${notes.length + 1}`, text: (JSON.parse(body) as { text: string }).text };
    notes.push(note);
    return Response.json(note, { status: 201 });
  });
  return {
    origin,
    seen,
    notes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface World {
  dev: DevServer;
  notes: NotesResource;
  key: GeneratedKeyPair;
  agentId: string;
  client: AAuthClient;
  /** A second client for the same agent (e.g. another mode). */
  newClient(options?: Partial<AAuthClientOptions>): AAuthClient;
  close(): Promise<void>;
}

export async function startWorld(
  options: { dev?: DevServerOptions; client?: Partial<AAuthClientOptions> } = {},
): Promise<World> {
  const dev = await startDevServer({ pollIntervalSeconds: 0, allowHosts: ['127.0.0.1'], ...options.dev });
  const notes = await startNotesResource(dev);
  const key = await generateKeyPair();
  const { agentId, agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
  const newClient = (overrides: Partial<AAuthClientOptions> = {}): AAuthClient =>
    createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true,
      fetch: dev.fetch,
      consent: 'throw',
      minPollIntervalMs: 0,
      ...options.client,
      ...overrides,
    });
  return {
    dev,
    notes,
    key,
    agentId,
    client: newClient(),
    newClient,
    close: async () => {
      await notes.close();
      await dev.close();
    },
  };
}
