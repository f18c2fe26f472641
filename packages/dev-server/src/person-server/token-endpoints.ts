/**
 * The Person Server's two token endpoints (P11 #person-token-endpoint, #ps-token-endpoint). Both are
 * signed with the agent token and take JSON bodies; both answer 200 with the token, or 202 when the
 * person (or the agent, for a clarification) must act first.
 */
import { type Discovery, DWK, InvalidIdentifierError, validateServerIdentifier } from '@aauth-kit/core';
import { DEFAULTS, PROBLEM_CODE } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import {
  type JsonObject,
  optionalString,
  optionalStringArray,
  parseJsonObject,
  requireString,
} from '../http/json.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext } from '../http/router.js';
import type { PendingIssue } from '../store/types.js';
import type { AgentRequestVerifier, VerifiedAgentRequest } from './agent-request.js';
import { directedSubject } from './directed-subject.js';
import type { PendingHandlers } from './pending-endpoint.js';
import type { PendingRequests } from './pending-requests.js';
import { evaluatePolicies } from './policy.js';
import { checkResourceToken } from './resource-token-check.js';
import type { TokenIssuer } from './token-issuer.js';

export interface TokenEndpointOptions {
  ctx: DevServerContext;
  pending: PendingRequests;
  pendingHandlers: PendingHandlers;
  verifyAgent: AgentRequestVerifier;
  issuer: TokenIssuer;
}

/** Body members the dev Person Server does not implement: refused rather than silently ignored. */
const UNSUPPORTED_MEMBERS = ['upstream_token', 'subagent_token'] as const;

function invalidRequest(detail: string): HttpProblemError {
  return new HttpProblemError(400, PROBLEM_CODE.invalidRequest, detail);
}

function refuseUnsupported(json: JsonObject): void {
  for (const member of UNSUPPORTED_MEMBERS) {
    if (json[member] !== undefined)
      throw invalidRequest(`"${member}" is not supported by the dev Person Server`);
  }
}

/** Resource-asserted presentation data for the consent page; best effort (the page falls back to the id). */
async function resourcePresentation(
  discovery: Discovery,
  resource: string,
): Promise<{
  resourceName?: string;
  resourceDescription?: string;
  scopeDescriptions?: Record<string, string>;
}> {
  try {
    const metadata = await discovery.getMetadata(resource, DWK.resource);
    return {
      ...(typeof metadata.name === 'string' ? { resourceName: metadata.name } : {}),
      ...(typeof metadata.description === 'string' ? { resourceDescription: metadata.description } : {}),
      ...(metadata.scope_descriptions === undefined
        ? {}
        : { scopeDescriptions: { ...metadata.scope_descriptions } }),
    };
  } catch {
    return {};
  }
}

export function createTokenEndpoints({
  ctx,
  pending,
  pendingHandlers,
  verifyAgent,
  issuer,
}: TokenEndpointOptions) {
  const psId = ctx.identifiers.personServer;

  function baseIssue(agent: VerifiedAgentRequest, sub: string, expCap: number): PendingIssue {
    return { sub, cnfJwk: agent.publicJwk, cnfThumbprint: agent.thumbprint, expCap };
  }

  async function personToken(request: RequestContext): Promise<void> {
    const agent = await verifyAgent(request);
    const json = parseJsonObject(request.req.headers, agent.body);
    refuseUnsupported(json);
    const resource = requireString(json, 'resource', 2048);
    try {
      validateServerIdentifier(resource, { allowLocalhostHttp: true });
    } catch (error) {
      if (error instanceof InvalidIdentifierError) throw invalidRequest(`"resource": ${error.message}`);
      throw error;
    }
    const capabilities = optionalStringArray(json, 'capabilities') ?? [];
    // Missions are not modelled by the dev PS: a mission_s256 is carried into the token unchecked.
    const missionS256 = optionalString(json, 'mission_s256', 128);
    const tenant = optionalString(json, 'tenant', 256);
    const justification = optionalString(json, 'justification', DEFAULTS.maxAgentTextLength);
    const issue: PendingIssue = {
      ...baseIssue(agent, directedSubject(ctx.secret, ctx.person.id, resource), agent.agentTokenExp),
      ...(missionS256 === undefined ? {} : { mission_s256: missionS256 }),
      ...(tenant === undefined ? {} : { tenant }),
    };

    const remembered = await ctx.store.consents.get(ctx.person.id, agent.agentId, resource);
    const mustAsk = ctx.personTokenConsent === 'consent' && remembered?.decision !== 'approved';
    if (!mustAsk || ctx.autoApprove) {
      if (mustAsk) await rememberConsent(agent.agentId, resource);
      sendJson(request.res, 200, await issuer.personToken(resource, issue), { 'cache-control': 'no-store' });
      return;
    }
    const record = await pending.create({
      kind: 'person-token',
      agentJkt: agent.thumbprint,
      agentId: agent.agentId,
      agentProvider: agent.agentProvider,
      person: ctx.person.id,
      resource,
      capabilities,
      issue,
      ...(justification === undefined ? {} : { justification }),
      ...(await resourcePresentation(ctx.discovery, resource)),
    });
    await pendingHandlers.respondCreated(request, record);
  }

  async function rememberConsent(agentId: string, resource: string): Promise<void> {
    await ctx.store.consents.put({
      person: ctx.person.id,
      agentId,
      resource,
      decision: 'approved',
      decidedAt: ctx.now(),
    });
  }

  async function authToken(request: RequestContext): Promise<void> {
    const agent = await verifyAgent(request);
    const json = parseJsonObject(request.req.headers, agent.body);
    refuseUnsupported(json);
    const resourceToken = requireString(json, 'resource_token', 16_384);
    const presentedToken = optionalString(json, 'presented_token', 16_384);
    const justification = optionalString(json, 'justification', DEFAULTS.maxAgentTextLength);
    const capabilities = optionalStringArray(json, 'capabilities') ?? [];

    const checked = await checkResourceToken(resourceToken, presentedToken, agent.thumbprint, {
      personServer: psId,
      discovery: ctx.discovery,
      issuedTokens: ctx.store.issuedTokens,
      now: ctx.now,
      signal: request.signal,
    });
    // The dev PS represents one person: the resource token must be about them at that resource.
    if (checked.sub !== directedSubject(ctx.secret, ctx.person.id, checked.resource)) {
      throw new HttpProblemError(
        400,
        PROBLEM_CODE.invalidResourceToken,
        'resource_token "sub" is not this person',
      );
    }
    const issue: PendingIssue = {
      ...baseIssue(agent, checked.sub, Math.min(checked.presentedExp, agent.agentTokenExp)),
      ...(checked.scope === undefined ? {} : { scope: checked.scope }),
      ...(checked.mission_s256 === undefined ? {} : { mission_s256: checked.mission_s256 }),
      ...(checked.tenant === undefined ? {} : { tenant: checked.tenant }),
    };

    const outcome = evaluatePolicies(ctx.policies, checked.resource, checked.scope);
    if (outcome.decision === 'deny') {
      throw new HttpProblemError(
        403,
        PROBLEM_CODE.denied,
        'a policy of the Person Server denies this request',
      );
    }
    if (outcome.decision === 'auto-approve' || (outcome.decision === 'consent' && ctx.autoApprove)) {
      sendJson(request.res, 200, await issuer.authToken(checked.resource, issue), {
        'cache-control': 'no-store',
      });
      return;
    }
    // A clarification needs an agent that can answer one; otherwise go straight to the person.
    const question =
      outcome.decision === 'clarify' && capabilities.includes('clarification')
        ? (outcome.question ?? 'Why do you need this access?')
        : undefined;
    const record = await pending.create({
      kind: 'auth-token',
      agentJkt: agent.thumbprint,
      agentId: agent.agentId,
      agentProvider: agent.agentProvider,
      person: ctx.person.id,
      resource: checked.resource,
      capabilities,
      issue,
      ...(justification === undefined ? {} : { justification }),
      ...(question === undefined ? {} : { question }),
      ...(await resourcePresentation(ctx.discovery, checked.resource)),
    });
    await pendingHandlers.respondCreated(request, record);
  }

  return { personToken, authToken };
}
