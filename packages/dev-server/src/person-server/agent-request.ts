/**
 * Authenticates requests to the Person Server: signed by the agent key and carrying the agent token in
 * `Signature-Key: sig=jwt` (P11 #keying-material). The agent token is verified through discovery of its
 * Agent Provider (development profile) and must name this Person Server in `ps`: the dev PS represents
 * one person, and only agents bound to it may ask on that person's behalf.
 */
import { createSignatureKeyResolver, type PublicJwk } from '@aauth-kit/core';
import { PROBLEM_CODE } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import type { RequestContext } from '../http/router.js';
import { verifySignedRequest } from '../http/verify-signed.js';

export interface VerifiedAgentRequest {
  agentId: string;
  /** The Agent Provider that issued the agent token. */
  agentProvider: string;
  /** RFC 7638 thumbprint of the signing key (= agent token `cnf.jwk`). */
  thumbprint: string;
  publicJwk: PublicJwk;
  /** Agent token `exp` (Unix seconds): caps every token issued on this request. */
  agentTokenExp: number;
  body: Uint8Array;
}

export type AgentRequestVerifier = (request: RequestContext) => Promise<VerifiedAgentRequest>;

export function createAgentRequestVerifier(ctx: DevServerContext): AgentRequestVerifier {
  const identifier = ctx.identifiers.personServer;
  const resolveKey = createSignatureKeyResolver({
    accept: ['agent'],
    discovery: ctx.discovery,
    schemes: ['jwt'],
    allowLocalhostHttp: true,
    now: ctx.now,
  });

  return async (request) => {
    const { verified, body } = await verifySignedRequest(request, {
      identifier,
      schemes: ['jwt'],
      resolveKey,
      now: ctx.now,
    });
    const claims = verified.resolved.token?.claims ?? {};
    if (claims.ps !== identifier) {
      throw new HttpProblemError(
        403,
        PROBLEM_CODE.foreignAgent,
        'the agent token does not name this Person Server in "ps"',
      );
    }
    // P11 #agent-tokens: a PS rejects token requests signed by a sub-agent; its parent asks for it.
    if (claims.parent_agent !== undefined) {
      throw new HttpProblemError(
        403,
        PROBLEM_CODE.invalidRequest,
        'a sub-agent (agent token with parent_agent) may not call the Person Server itself; its parent sends subagent_token',
      );
    }
    return {
      agentId: String(claims.sub),
      agentProvider: String(claims.iss),
      thumbprint: verified.resolved.key.thumbprint,
      publicJwk: verified.resolved.key.jwk,
      agentTokenExp: Number(claims.exp),
      body,
    };
  };
}
