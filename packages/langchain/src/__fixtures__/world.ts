/**
 * A real AAuth world on loopback for the adapter tests: the dev server's Agent Provider and Person
 * Server (with its simulated person), and a notes resource built with @aauth-kit/resource that records
 * what it verified. The agent client's transport records every exchange, so tests can count the
 * requests that reached the Person Server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AAuthClient,
  type AAuthClientOptions,
  createAAuthClient,
  type GeneratedKeyPair,
  generateKeyPair,
  jwkThumbprint,
} from '@aauth-kit/core';
import { type DevServer, type DevServerOptions, startDevServer } from '@aauth-kit/dev-server';
import { type AAuthIdentity, createResource, type Resource } from '@aauth-kit/resource';
import { sendWebResponse, toWebRequest } from '@aauth-kit/resource/node';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { aauthFetch } from '../scope.js';

export const NOTES_WRITE = 'notes.write';

/** What the notes resource verified, one entry per request it accepted. */
export interface Verified {
  method: string;
  path: string;
  kind: AAuthIdentity['kind'];
  agentJkt: string;
  agentId: string | undefined;
  person: AAuthIdentity['person'];
  scope: string[];
  components: string[];
  jti: string | undefined;
}

export interface Exchange {
  method: string;
  url: string;
  status: number | undefined;
}

export interface World {
  dev: DevServer;
  key: GeneratedKeyPair;
  agentId: string;
  client: AAuthClient;
  /** The notes resource's identifier (origin). */
  notes: string;
  /** Requests the notes resource accepted, in order. */
  verified: Verified[];
  /** Every exchange the agent client made. */
  exchanges: Exchange[];
  /** Auth token requests that reached the Person Server. */
  authTokenRequests(): number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** GET /notes (any agent), POST /notes (auth token with notes.write, so consent by default). */
async function notesResource(dev: DevServer, verified: Verified[]): Promise<{ url: string; server: Server }> {
  const notes: string[] = ['buy milk'];
  let resource: Resource | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const request = await toWebRequest(req);
      const response = await handle(request);
      await sendWebResponse(res, response);
    })().catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  async function handle(request: Request): Promise<Response> {
    const wellKnown = resource!.handleWellKnown(request);
    if (wellKnown) return wellKnown;
    const { pathname } = new URL(request.url);
    if (pathname !== '/notes') return new Response('not found', { status: 404 });
    const write = request.method === 'POST';
    const body = write ? ((await request.clone().json()) as { text?: unknown }) : undefined;
    const outcome = await resource!.verify(
      request,
      write ? { accept: ['auth'], scope: NOTES_WRITE } : { accept: ['agent', 'person', 'auth'] },
    );
    if (!outcome.ok) return outcome.response;
    const { identity } = outcome;
    verified.push({
      method: request.method,
      path: pathname,
      kind: identity.kind,
      agentJkt: identity.agentJkt,
      agentId: identity.agentId,
      person: identity.person,
      scope: identity.scope,
      components: identity.signature.components,
      jti: typeof identity.token.claims.jti === 'string' ? identity.token.claims.jti : undefined,
    });
    if (write) notes.push(String(body?.text));
    return Response.json({ notes });
  }
  const port = await listen(server);
  const url = `http://localhost:${port}`;
  const keys = await generateKeyPair();
  resource = createResource({
    issuer: url,
    signer: keys.signer,
    kid: keys.kid,
    development: true,
    fetch: dev.fetch,
    trustedPersonServers: [dev.identifiers.personServer],
    metadata: { name: 'Notes', scope_descriptions: { [NOTES_WRITE]: 'Add notes' } },
  });
  return { url, server };
}

export async function startWorld(
  clientOptions: Partial<AAuthClientOptions> = {},
  devOptions: DevServerOptions = {},
): Promise<World> {
  // No Retry-After floor, so a resume right after the person's decision polls at once.
  const dev = await startDevServer({ pollIntervalSeconds: 0, ...devOptions });
  const verified: Verified[] = [];
  const { url: notes, server } = await notesResource(dev, verified);
  const key = await generateKeyPair();
  const { agentId, agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
  const exchanges: Exchange[] = [];
  const recording = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const exchange: Exchange = { method: init?.method ?? 'GET', url, status: undefined };
    exchanges.push(exchange);
    const response = await dev.fetch(input, init);
    exchange.status = response.status;
    return response;
  }) as typeof fetch;
  const client = createAAuthClient({
    signer: key.signer,
    agentToken,
    development: true,
    fetch: recording,
    consent: 'throw',
    minPollIntervalMs: 0,
    ...clientOptions,
  });
  const authTokenUrl = `${dev.identifiers.personServer}/token`;
  return {
    dev,
    key,
    agentId,
    client,
    notes,
    verified,
    exchanges,
    authTokenRequests: () => exchanges.filter((e) => e.method === 'POST' && e.url === authTokenUrl).length,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await dev.close();
    },
  };
}

export function thumbprintOf(world: World): string {
  return jwkThumbprint(world.key.publicJwk);
}

/** Tools written against a plain fetch signature: they know nothing about AAuth but `aauthFetch`. */
export function notesTools(notes: string) {
  const readNotes = tool(
    async () => {
      const response = await aauthFetch(`${notes}/notes`);
      return `${response.status} ${await response.text()}`;
    },
    { name: 'read_notes', description: 'Read the notes', schema: z.object({}) },
  );
  const addNote = tool(
    async ({ text }) => {
      const response = await aauthFetch(`${notes}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return `${response.status} ${await response.text()}`;
    },
    { name: 'add_note', description: 'Add a note', schema: z.object({ text: z.string() }) },
  );
  return { readNotes, addNote };
}
