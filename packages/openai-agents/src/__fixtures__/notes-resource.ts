/**
 * A small AAuth-protected resource for the adapter tests, built with @aauth-kit/resource and served
 * on loopback, so the tests assert on what the resource itself verified (not on what the agent sent):
 *   GET  /notes       agent, person or auth token
 *   POST /notes       auth token with scope `notes.write` (the dev Person Server asks for consent)
 * Every request that passes verification is recorded with the identity the resource derived.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair } from '@aauth-kit/core';
import {
  type AAuthIdentity,
  createResource,
  type Resource,
  type RouteRequirement,
} from '@aauth-kit/resource';
import { sendWebResponse, verifyNodeRequest } from '@aauth-kit/resource/node';

export const NOTES_WRITE_SCOPE = 'notes.write';

export interface VerifiedCall {
  method: string;
  path: string;
  identity: AAuthIdentity;
  body: string;
}

export interface NotesResource {
  /** Server identifier (`http://localhost:<port>`). */
  origin: string;
  resource: Resource;
  /** Requests that passed verification, in order. */
  verified: VerifiedCall[];
  /** Every request that reached the server (verified or not). */
  received: { method: string; path: string; signed: boolean }[];
  close(): Promise<void>;
}

/** What the resource holds, shared with extra endpoints. */
export interface NotesState {
  resource: Resource;
  notes: { id: string; text: string }[];
  verified: VerifiedCall[];
}

/** An extra endpoint tried first (e.g. MCP); resolves false to fall through. */
export type ExtraEndpoint = (
  req: IncomingMessage,
  res: ServerResponse,
  state: NotesState,
) => Promise<boolean>;

export interface NotesResourceOptions {
  personServer: string;
  extra?: ExtraEndpoint;
}

export const NOTES_READ: RouteRequirement = { accept: ['agent', 'person', 'auth'] };
export const NOTES_WRITE: RouteRequirement = { accept: ['auth'], scope: NOTES_WRITE_SCOPE };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export async function startNotesResource(options: NotesResourceOptions): Promise<NotesResource> {
  const key = await generateKeyPair();
  const verified: VerifiedCall[] = [];
  const received: NotesResource['received'] = [];
  const notes: { id: string; text: string }[] = [{ id: 'n1', text: 'buy milk' }];
  let resource: Resource | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    received.push({ method: req.method ?? 'GET', path, signed: req.headers.signature !== undefined });
    const active = resource;
    if (active === undefined) throw new TypeError('resource not ready');
    if (options.extra !== undefined && (await options.extra(req, res, { resource: active, notes, verified })))
      return;
    if (path.startsWith('/.well-known/')) {
      const wellKnown = active.handleWellKnown(new Request(`${active.issuer}${path}`));
      await sendWebResponse(res, wellKnown ?? json(404, { error: 'not_found' }));
      return;
    }
    if (path !== '/notes') {
      await sendWebResponse(res, json(404, { error: 'not_found' }));
      return;
    }
    const route = req.method === 'POST' ? NOTES_WRITE : NOTES_READ;
    const outcome = await verifyNodeRequest(active, req, route);
    if (!outcome.ok) {
      await sendWebResponse(res, outcome.response);
      return;
    }
    const body = outcome.body === null ? '' : new TextDecoder().decode(outcome.body);
    verified.push({ method: req.method ?? 'GET', path, identity: outcome.identity, body });
    if (req.method === 'POST') {
      const text = (JSON.parse(body || '{}') as { text?: unknown }).text;
      const note = { id: `n${notes.length + 1}`, text: typeof text === 'string' ? text : '' };
      notes.push(note);
      await sendWebResponse(res, json(201, note));
      return;
    }
    await sendWebResponse(res, json(200, { notes }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://localhost:${port}`;
  resource = createResource({
    issuer: origin,
    signer: key.signer,
    kid: key.kid,
    development: true,
    trustedPersonServers: [options.personServer],
    metadata: {
      name: 'Notes',
      scope_descriptions: { [NOTES_WRITE_SCOPE]: 'Write your notes' },
    },
  });
  return {
    origin,
    resource,
    verified,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
