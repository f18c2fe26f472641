/**
 * The sample resource: a small documents API protected by @aauth-kit/resource.
 *   POST /session                agent token → 204 + `AAuth-Access` session token (P11 #aauth-access)
 *   GET  /documents              agent, person or auth token; agent requests may carry the session
 *   GET  /documents/:id          agent, person or auth token; agent requests may carry the session
 *   POST /documents/:id/summary  auth token with scope `documents.write` (consent by default)
 * and its `aauth-resource.json` + JWKS.
 */
import {
  type AAuthIdentity,
  createResource,
  type Resource,
  type RouteRequirement,
  type VerifyOutcome,
} from '@aauth-kit/resource';
import { MEDIA_TYPE, PROBLEM_CODE } from '../constants.js';
import type { DevServerContext } from '../context.js';
import type { FetchHandler } from '../http/fetch-bridge.js';
import { randomId } from '../util/random.js';
import { type DocumentSummary, SAMPLE_DOCUMENTS, summarize } from './documents.js';

export const SAMPLE_SCOPES = {
  read: 'documents.read',
  write: 'documents.write',
} as const;

const DOCUMENT_PATH = /^\/documents\/([A-Za-z0-9_-]{1,64})$/;
const SUMMARY_PATH = /^\/documents\/([A-Za-z0-9_-]{1,64})\/summary$/;
// Mode 2 (resource-managed): the dev server's "own login" is simply a verified agent token.
const SESSION_ROUTE: RouteRequirement = { accept: ['agent'], session: 'issue' };
const READ_ROUTE: RouteRequirement = { accept: ['agent', 'person', 'auth'], session: 'accept' };
const WRITE_ROUTE: RouteRequirement = { accept: ['auth'], scope: SAMPLE_SCOPES.write };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': MEDIA_TYPE.json, 'cache-control': 'no-store', ...headers },
  });
}

function problem(
  status: number,
  error: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ title: error, status, error, detail }), {
    status,
    headers: { 'content-type': MEDIA_TYPE.problemJson, 'cache-control': 'no-store', ...headers },
  });
}

export interface SampleResource {
  resource: Resource;
  handle: FetchHandler;
}

/**
 * What the sample resource decided about one request to its documents API (not the well-known
 * documents): reported through `onResourceRequest`, so demos and tests show what the resource itself
 * verified instead of assuming it from a status code.
 */
export interface ResourceRequestRecord {
  method: string;
  /** Path and query, as requested. */
  path: string;
  /** The status the resource answered. */
  status: number;
  /** Present when the signature, the token and the route's requirement all verified. */
  identity?: AAuthIdentity;
  /** When verification refused or challenged the request: the error's stable `code`. */
  error?: string;
  /** Unix seconds. */
  at: number;
}

/** What verification concluded for the request being handled (filled in by `verify`). */
interface Verdict {
  identity?: AAuthIdentity;
  error?: string;
}

export function createSampleResource(
  ctx: DevServerContext,
  onRequest?: (record: ResourceRequestRecord) => void,
): SampleResource {
  const keys = ctx.keys.resource;
  const resource = createResource({
    issuer: ctx.identifiers.resource,
    signer: keys.signer,
    kid: keys.kid,
    development: true,
    discovery: ctx.discovery,
    trustedPersonServers: [ctx.identifiers.personServer],
    now: ctx.now,
    metadata: {
      name: 'Sample documents API',
      description:
        'The sample resource of @aauth-kit/dev-server: a few documents an agent can read and summarize.',
      scope_descriptions: {
        [SAMPLE_SCOPES.read]: 'Read your documents',
        [SAMPLE_SCOPES.write]: 'Create summaries of your documents',
      },
    },
  });
  const summaries: DocumentSummary[] = [];

  async function verify(request: Request, route: RouteRequirement, verdict: Verdict): Promise<VerifyOutcome> {
    const outcome = await resource.verify(request, route);
    if (outcome.ok) verdict.identity = outcome.identity;
    else verdict.error = outcome.error.code;
    return outcome;
  }

  async function handle(request: Request): Promise<Response> {
    const wellKnown = resource.handleWellKnown(request);
    if (wellKnown) return wellKnown;
    const verdict: Verdict = {};
    const response = await serve(request, verdict);
    if (onRequest !== undefined) {
      const url = new URL(request.url);
      try {
        onRequest({
          method: request.method,
          path: `${url.pathname}${url.search}`,
          status: response.status,
          ...verdict,
          at: ctx.now(),
        });
      } catch (error) {
        // An observer must never change the answer.
        ctx.onError(error);
      }
    }
    return response;
  }

  async function serve(request: Request, verdict: Verdict): Promise<Response> {
    const { pathname } = new URL(request.url);

    if (pathname === '/session') {
      if (request.method !== 'POST')
        return problem(405, PROBLEM_CODE.methodNotAllowed, 'use POST', { allow: 'POST' });
      const outcome = await verify(request, SESSION_ROUTE, verdict);
      if (!outcome.ok) return outcome.response;
      return new Response(null, {
        status: 204,
        headers: { 'cache-control': 'no-store', ...outcome.responseHeaders },
      });
    }

    if (pathname === '/documents') {
      if (request.method !== 'GET')
        return problem(405, PROBLEM_CODE.methodNotAllowed, 'use GET', { allow: 'GET' });
      const outcome = await verify(request, READ_ROUTE, verdict);
      if (!outcome.ok) return outcome.response;
      return json(200, { documents: SAMPLE_DOCUMENTS.map(({ id, title }) => ({ id, title })) });
    }

    const read = DOCUMENT_PATH.exec(pathname);
    if (read) {
      if (request.method !== 'GET')
        return problem(405, PROBLEM_CODE.methodNotAllowed, 'use GET', { allow: 'GET' });
      const outcome = await verify(request, READ_ROUTE, verdict);
      if (!outcome.ok) return outcome.response;
      const document = SAMPLE_DOCUMENTS.find((candidate) => candidate.id === read[1]);
      if (!document) return problem(404, PROBLEM_CODE.notFound, 'no such document');
      return json(200, {
        ...document,
        summaries: summaries
          .filter((s) => s.documentId === document.id)
          .map(({ id, text }) => ({ id, text })),
      });
    }

    const write = SUMMARY_PATH.exec(pathname);
    if (write) {
      if (request.method !== 'POST')
        return problem(405, PROBLEM_CODE.methodNotAllowed, 'use POST', { allow: 'POST' });
      const outcome = await verify(request, WRITE_ROUTE, verdict);
      if (!outcome.ok) return outcome.response;
      const document = SAMPLE_DOCUMENTS.find((candidate) => candidate.id === write[1]);
      if (!document) return problem(404, PROBLEM_CODE.notFound, 'no such document');
      const person = outcome.identity.person;
      if (!person) return problem(403, PROBLEM_CODE.denied, 'summaries are made for a person');
      const summary: DocumentSummary = {
        id: randomId(8),
        documentId: document.id,
        text: summarize(document),
        person,
        createdAt: ctx.now(),
      };
      summaries.push(summary);
      return json(201, { id: summary.id, document_id: document.id, summary: summary.text });
    }

    return problem(404, PROBLEM_CODE.notFound, `nothing is served at ${pathname}`);
  }

  return { resource, handle };
}
