/**
 * Authenticates `POST /agent-token`: signed by a registered agent key, presented either inline
 * (`Signature-Key: sig=hwk;...`, the key itself) or through a still-valid agent token of this Agent
 * Provider (`sig=jwt`). Either way the signing key must be registered.
 */
import { createSignatureKeyResolver, SIGNATURE_ERROR_CODE } from '@aauth-kit/core';
import type { DevServerContext } from '../context.js';
import type { RequestContext } from '../http/router.js';
import { signatureProblem } from '../http/signature-problem.js';
import { verifySignedRequest } from '../http/verify-signed.js';
import type { AgentRecord } from '../store/types.js';

export function createAgentTokenVerifier(
  ctx: DevServerContext,
): (request: RequestContext) => Promise<AgentRecord> {
  const issuer = ctx.identifiers.agentProvider;
  const keys = ctx.keys.agentProvider;
  const resolveKey = createSignatureKeyResolver({
    accept: ['agent'],
    schemes: ['hwk', 'jwt'],
    // Only agent tokens this Agent Provider issued: checked against its own key, no discovery.
    resolveIssuerKey: (iss, _dwk, kid) => (iss === issuer && kid === keys.kid ? keys.publicJwk : undefined),
    allowLocalhostHttp: true,
    now: ctx.now,
  });

  return async (request) => {
    const { verified } = await verifySignedRequest(request, {
      identifier: issuer,
      schemes: ['hwk', 'jwt'],
      resolveKey,
      now: ctx.now,
    });
    const agent = await ctx.store.agents.getByThumbprint(verified.resolved.key.thumbprint);
    const tokenSub = verified.resolved.token?.claims.sub;
    if (!agent || (tokenSub !== undefined && tokenSub !== agent.agentId)) {
      throw signatureProblem(
        SIGNATURE_ERROR_CODE.unknownKey,
        'the signing key is not a registered agent key',
      );
    }
    return agent;
  };
}
