/**
 * Mints the Person Server's person tokens (`aa-person+jwt`) and auth tokens (`aa-auth+jwt`, 3-party) and
 * records each for `presented_jti` resolution. Lifetimes never pass the 1 h ceiling nor `expCap` (the
 * agent token, or the presented token for auth tokens: P11 #auth-tokens).
 */
import { mintAuthToken, mintPersonToken } from '@aauth-kit/core';
import { DEFAULTS, PROBLEM_CODE } from '../constants.js';
import type { DevServerContext } from '../context.js';
import { HttpProblemError } from '../errors.js';
import type { PendingIssue } from '../store/types.js';
import { randomId } from '../util/random.js';
import { scopeTokens } from './policy.js';

export interface TokenIssuer {
  personToken(resource: string, issue: PendingIssue): Promise<{ person_token: string; expires_in: number }>;
  authToken(resource: string, issue: PendingIssue): Promise<{ auth_token: string; expires_in: number }>;
}

export function createTokenIssuer(ctx: DevServerContext): TokenIssuer {
  const iss = ctx.identifiers.personServer;
  const keys = ctx.keys.personServer;

  function lifetime(ceiling: number, expCap: number): number {
    const remaining = Math.floor(expCap - ctx.now());
    if (remaining <= 0) {
      throw new HttpProblemError(408, PROBLEM_CODE.expired, 'the agent or presented token has expired');
    }
    return Math.min(ceiling, remaining);
  }

  function optionalClaims(issue: PendingIssue): Record<string, string> {
    const claims: Record<string, string> = {};
    if (issue.mission_s256 !== undefined) claims.mission_s256 = issue.mission_s256;
    if (issue.tenant !== undefined) claims.tenant = issue.tenant;
    return claims;
  }

  return {
    async personToken(resource, issue) {
      const lifetimeSeconds = lifetime(DEFAULTS.personTokenLifetimeSeconds, issue.expCap);
      const jti = randomId();
      const personToken = await mintPersonToken(
        { iss, aud: resource, sub: issue.sub, cnf: { jwk: issue.cnfJwk }, ...optionalClaims(issue) },
        { signer: keys.signer, kid: keys.kid, now: ctx.now, lifetimeSeconds, jti, allowLocalhostHttp: true },
      );
      await ctx.store.issuedTokens.put({
        jti,
        kind: 'person',
        iss,
        aud: resource,
        sub: issue.sub,
        agentJkt: issue.cnfThumbprint,
        exp: ctx.now() + lifetimeSeconds,
        ...optionalClaims(issue),
      });
      return { person_token: personToken, expires_in: lifetimeSeconds };
    },

    async authToken(resource, issue) {
      const lifetimeSeconds = lifetime(DEFAULTS.authTokenLifetimeSeconds, issue.expCap);
      const jti = randomId();
      const claims: Record<string, unknown> = {};
      if (issue.scope !== undefined && issue.scope !== '') claims.scope = issue.scope;
      // The only identity claim the dev person has; released with the `profile` scope.
      if (scopeTokens(issue.scope).includes('profile')) claims.name = ctx.person.name;
      const authToken = await mintAuthToken(
        {
          iss,
          aud: resource,
          ps: iss,
          sub: issue.sub,
          cnf: { jwk: issue.cnfJwk },
          ...claims,
          ...optionalClaims(issue),
        },
        { signer: keys.signer, kid: keys.kid, now: ctx.now, lifetimeSeconds, jti, allowLocalhostHttp: true },
      );
      await ctx.store.issuedTokens.put({
        jti,
        kind: 'auth',
        iss,
        aud: resource,
        sub: issue.sub,
        agentJkt: issue.cnfThumbprint,
        exp: ctx.now() + lifetimeSeconds,
        ...optionalClaims(issue),
      });
      return { auth_token: authToken, expires_in: lifetimeSeconds };
    },
  };
}
