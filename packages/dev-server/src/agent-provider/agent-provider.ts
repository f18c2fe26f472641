/**
 * The dev Agent Provider: publishes `aauth-agent.json` and its JWKS, registers agent keys (dev only, no
 * authentication) and issues agent tokens (`aa-agent+jwt`) naming the dev Person Server in `ps`.
 */
import { randomBytes } from 'node:crypto';
import {
  formatAgentIdentifier,
  InvalidIdentifierError,
  InvalidKeyError,
  jwkThumbprint,
  mintAgentToken,
  type PublicJwk,
  UnsupportedAlgorithmError,
  validatePublicJwk,
} from '@aauth-kit/core';
import { AP_PATH, PROBLEM_CODE } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { AgentExistsError, HttpProblemError } from '../errors.js';
import { optionalObject, optionalString, parseJsonObject } from '../http/json.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { AgentRecord } from '../store/types.js';
import { createAgentTokenVerifier } from './agent-token-request.js';

export interface RegisterAgentInput {
  publicJwk: PublicJwk | Record<string, unknown>;
  /** Local part of the agent identifier (default: random `agent-<hex>`). */
  local?: string;
  name?: string;
}

export interface RegisteredAgent {
  agentId: string;
  agentToken: string;
  /** Seconds until the agent token expires. */
  expiresIn: number;
}

export interface AgentProvider {
  routes: Route[];
  registerAgent(input: RegisterAgentInput): Promise<RegisteredAgent>;
  /** A fresh agent token for a registered agent. */
  issueAgentToken(agent: AgentRecord): Promise<RegisteredAgent>;
}

function invalidRequest(detail: string, cause?: unknown): HttpProblemError {
  return new HttpProblemError(400, PROBLEM_CODE.invalidRequest, detail, cause === undefined ? {} : { cause });
}

/** Registration failures as HTTP answers: bad key or name → 400, name taken → 409. */
function registrationProblem(error: unknown): unknown {
  if (error instanceof InvalidKeyError || error instanceof UnsupportedAlgorithmError) {
    return invalidRequest(`jwk is not a usable public key: ${error.message}`, error);
  }
  if (error instanceof InvalidIdentifierError) return invalidRequest(`local: ${error.message}`, error);
  if (error instanceof AgentExistsError) {
    return new HttpProblemError(409, PROBLEM_CODE.agentExists, error.message, { cause: error });
  }
  return error;
}

export function createAgentProvider(ctx: DevServerContext): AgentProvider {
  const issuer = ctx.identifiers.agentProvider;
  const domain = new URL(issuer).hostname;
  const keys = ctx.keys.agentProvider;

  async function issueAgentToken(agent: AgentRecord): Promise<RegisteredAgent> {
    const lifetime = ctx.agentTokenLifetimeSeconds;
    const agentToken = await mintAgentToken(
      { iss: issuer, sub: agent.agentId, ps: ctx.identifiers.personServer, cnf: { jwk: agent.publicJwk } },
      {
        signer: keys.signer,
        kid: keys.kid,
        now: ctx.now,
        lifetimeSeconds: lifetime,
        allowLocalhostHttp: true,
      },
    );
    return { agentId: agent.agentId, agentToken, expiresIn: lifetime };
  }

  async function registerAgent(input: RegisterAgentInput): Promise<RegisteredAgent> {
    // Throws InvalidKeyError / UnsupportedAlgorithmError (also for a JWK carrying private members).
    const publicJwk = validatePublicJwk(input.publicJwk);
    const thumbprint = jwkThumbprint(publicJwk);
    const existing = await ctx.store.agents.getByThumbprint(thumbprint);
    if (existing && (input.local === undefined || input.local === existing.local)) {
      return issueAgentToken(existing);
    }
    const local = input.local ?? `agent-${randomBytes(4).toString('hex')}`;
    const agentId = formatAgentIdentifier(local, domain); // InvalidIdentifierError for a bad local part
    const holder = await ctx.store.agents.getById(agentId);
    if (holder && holder.thumbprint !== thumbprint) {
      throw new AgentExistsError(agentId, `${agentId} is registered to another key`);
    }
    const record: AgentRecord = { agentId, local, thumbprint, publicJwk, registeredAt: ctx.now() };
    if (input.name !== undefined) record.name = input.name;
    await ctx.store.agents.put(record);
    return issueAgentToken(record);
  }

  const verifyAgentTokenRequest = createAgentTokenVerifier(ctx);

  const routes: Route[] = [
    {
      path: AP_PATH.metadata,
      methods: {
        GET: async ({ res }) =>
          sendJson(
            res,
            200,
            {
              issuer,
              jwks_uri: `${issuer}${AP_PATH.jwks}`,
              name: 'aauth-kit dev Agent Provider',
              description: 'Development Agent Provider of @aauth-kit/dev-server. Not for production.',
              // Dev-server extensions (not AAuth members): how agents get registered and refreshed.
              registration_endpoint: `${issuer}${AP_PATH.register}`,
              agent_token_endpoint: `${issuer}${AP_PATH.agentToken}`,
            },
            { 'cache-control': 'max-age=60' },
          ),
      },
    },
    {
      path: AP_PATH.jwks,
      methods: {
        GET: async ({ res }) =>
          sendJson(res, 200, keys.jwks, {
            'content-type': 'application/jwk-set+json',
            'cache-control': 'max-age=60',
          }),
      },
    },
    {
      path: AP_PATH.register,
      methods: {
        POST: async ({ req, res, body }) => {
          const json = parseJsonObject(req.headers, await body());
          const jwk = optionalObject(json, 'jwk');
          if (jwk === undefined) throw invalidRequest('"jwk" (the agent public key) is required');
          const local = optionalString(json, 'local', 255);
          const name = optionalString(json, 'name', 200);
          const registered = await registerAgent({
            publicJwk: jwk,
            ...(local === undefined ? {} : { local }),
            ...(name === undefined ? {} : { name }),
          }).catch((error: unknown) => {
            throw registrationProblem(error);
          });
          sendJson(
            res,
            201,
            {
              agent_id: registered.agentId,
              agent_token: registered.agentToken,
              expires_in: registered.expiresIn,
            },
            { 'cache-control': 'no-store' },
          );
        },
      },
    },
    {
      path: AP_PATH.agentToken,
      methods: {
        POST: async (requestContext) => {
          const agent = await verifyAgentTokenRequest(requestContext);
          const issued = await issueAgentToken(agent);
          sendJson(
            requestContext.res,
            200,
            { agent_id: issued.agentId, agent_token: issued.agentToken, expires_in: issued.expiresIn },
            { 'cache-control': 'no-store' },
          );
        },
      },
    },
  ];

  return { routes, registerAgent, issueAgentToken };
}
