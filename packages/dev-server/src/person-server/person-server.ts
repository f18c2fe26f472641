/**
 * The dev Person Server: `aauth-person.json` + JWKS, the person and auth token endpoints, pending URLs
 * and the consent page.
 */
import { PROBLEM_CODE, PS_PATH } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { PendingRecord } from '../store/types.js';
import { createAgentRequestVerifier } from './agent-request.js';
import { createConsentRoutes } from './consent-endpoint.js';
import type { DeferredSettings } from './deferred.js';
import { createPendingHandlers } from './pending-endpoint.js';
import { PendingRequests } from './pending-requests.js';
import { createTokenEndpoints } from './token-endpoints.js';
import { createTokenIssuer } from './token-issuer.js';

export interface PersonServer {
  routes: Route[];
  pending: PendingRequests;
  /** Absolute interaction URL (`url` of `requirement=interaction`). */
  interactionUrl: string;
}

const PENDING_PATH = /^\/pending\/([A-Za-z0-9_-]{1,64})$/;

export function createPersonServer(
  ctx: DevServerContext,
  hooks: { onAwaitingPerson?: (record: PendingRecord) => void } = {},
): PersonServer {
  const issuer = ctx.identifiers.personServer;
  const interactionUrl = `${issuer}${PS_PATH.consent}`;
  const tokenIssuer = createTokenIssuer(ctx);

  const pending = new PendingRequests({
    store: ctx.store.pending,
    now: ctx.now,
    ttlSeconds: ctx.pendingTtlSeconds,
    onError: ctx.onError,
    ...(hooks.onAwaitingPerson === undefined ? {} : { onAwaitingPerson: hooks.onAwaitingPerson }),
    async complete(record) {
      if (record.kind === 'auth-token') return tokenIssuer.authToken(record.resource, record.issue);
      // First use at a resource, approved: remembered, so the next person token is issued at once.
      await ctx.store.consents.put({
        person: record.person,
        agentId: record.agentId,
        resource: record.resource,
        decision: 'approved',
        decidedAt: ctx.now(),
      });
      return tokenIssuer.personToken(record.resource, record.issue);
    },
  });
  const settings: DeferredSettings = {
    interactionUrl,
    pollIntervalSeconds: ctx.pollIntervalSeconds,
    now: ctx.now,
  };
  const verifyAgent = createAgentRequestVerifier(ctx);
  const pendingHandlers = createPendingHandlers({ ctx, pending, verifyAgent, settings });
  const endpoints = createTokenEndpoints({ ctx, pending, pendingHandlers, verifyAgent, issuer: tokenIssuer });

  const routes: Route[] = [
    {
      path: PS_PATH.metadata,
      methods: {
        GET: async ({ res }) =>
          sendJson(
            res,
            200,
            {
              issuer,
              jwks_uri: `${issuer}${PS_PATH.jwks}`,
              person_token_endpoint: `${issuer}${PS_PATH.personToken}`,
              auth_token_endpoint: `${issuer}${PS_PATH.authToken}`,
              name: 'aauth-kit dev Person Server',
              description: 'Development Person Server of @aauth-kit/dev-server. Not for production.',
              scopes_supported: ['profile'],
              claims_supported: ['sub', 'name'],
              accept_signature_algs: ['Ed25519', 'ES256'],
            },
            { 'cache-control': 'max-age=60' },
          ),
      },
    },
    {
      path: PS_PATH.jwks,
      methods: {
        GET: async ({ res }) =>
          sendJson(res, 200, ctx.keys.personServer.jwks, {
            'content-type': 'application/jwk-set+json',
            'cache-control': 'max-age=60',
          }),
      },
    },
    { path: PS_PATH.personToken, methods: { POST: endpoints.personToken } },
    { path: PS_PATH.authToken, methods: { POST: endpoints.authToken } },
    {
      path: PENDING_PATH,
      methods: { GET: pendingHandlers.poll, POST: pendingHandlers.clarify, DELETE: pendingHandlers.cancel },
    },
    {
      // A malformed pending id is simply not a pending request.
      path: /^\/pending\/.*$/,
      methods: {
        GET: notFound,
        POST: notFound,
        DELETE: notFound,
      },
    },
    ...createConsentRoutes({ ctx, pending }),
  ];

  return { routes, pending, interactionUrl };
}

async function notFound(): Promise<void> {
  throw new HttpProblemError(404, PROBLEM_CODE.notFound, 'no pending request here for this agent');
}
