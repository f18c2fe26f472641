/**
 * Resource token verification at the Person Server (P11 §4.4 "Resource token — PS/AS"):
 *  1. the resource token verifies (discovery of the resource's `aauth-resource.json` + JWKS), `aud` = this PS;
 *  2. `ps` names this PS and `agent_jkt` = thumbprint of the key that signed the request;
 *  3. `presented_token` verifies as a person or auth token with `aud` = the resource and `cnf.jwk` ↔
 *     `agent_jkt` (`invalid_presented_token` / `expired_presented_token`);
 *  4. its `jti` = `presented_jti`, its `iss` (person) / `ps` (auth) = `ps`, and `sub`, `mission_s256`,
 *     `tenant` equal → else `invalid_resource_token` (tampering).
 * Older clients may omit `presented_token`: `presented_jti` is then resolved from this PS's own records.
 */
import {
  AbortedError,
  type Discovery,
  SIGNATURE_ERROR_CODE,
  TokenVerificationError,
  verifyToken,
} from '@aauth-kit/core';
import { PROBLEM_CODE } from '../constants.js';
import { HttpProblemError } from '../errors.js';
import type { IssuedTokenStore } from '../store/types.js';

export interface CheckedResourceToken {
  /** The resource (resource token `iss`). */
  resource: string;
  sub: string;
  scope: string | undefined;
  mission_s256: string | undefined;
  tenant: string | undefined;
  /** The presented token's `exp`: the auth token may not outlive it. */
  presentedExp: number;
}

export interface ResourceTokenCheckContext {
  personServer: string;
  discovery: Discovery;
  issuedTokens: IssuedTokenStore;
  /** Unix seconds. */
  now: () => number;
  signal?: AbortSignal;
}

function problem(error: string, detail: string, cause?: unknown): HttpProblemError {
  return new HttpProblemError(400, error, detail, cause === undefined ? {} : { cause });
}

/** Token failures as the body-parameter error codes of P11 §8 (`expired_*` vs `invalid_*`). */
function tokenProblem(error: unknown, invalid: string, expired: string, what: string): HttpProblemError {
  if (error instanceof AbortedError) throw error;
  if (error instanceof TokenVerificationError) {
    const code = error.signatureError === SIGNATURE_ERROR_CODE.expiredJwt ? expired : invalid;
    return problem(code, `${what}: ${error.message}`, error);
  }
  throw error;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export async function checkResourceToken(
  resourceToken: string,
  presentedToken: string | undefined,
  agentThumbprint: string,
  ctx: ResourceTokenCheckContext,
): Promise<CheckedResourceToken> {
  const common = {
    discovery: ctx.discovery,
    allowLocalhostHttp: true,
    now: ctx.now,
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  };
  const rt = await verifyToken(resourceToken, {
    ...common,
    accept: ['resource'],
    audience: ctx.personServer,
  }).catch((error: unknown) => {
    throw tokenProblem(
      error,
      PROBLEM_CODE.invalidResourceToken,
      PROBLEM_CODE.expiredResourceToken,
      'resource_token',
    );
  });
  if (rt.kind !== 'resource')
    throw problem(PROBLEM_CODE.invalidResourceToken, 'resource_token is not a resource token');
  const claims = rt.claims;
  if (claims.ps !== ctx.personServer) {
    throw problem(PROBLEM_CODE.invalidResourceToken, 'resource_token "ps" does not name this Person Server');
  }
  if (claims.agent_jkt !== agentThumbprint) {
    throw problem(PROBLEM_CODE.invalidResourceToken, 'resource_token "agent_jkt" is not the signing key');
  }
  const resource = claims.iss;
  const expected = {
    sub: claims.sub,
    mission_s256: optionalString(claims.mission_s256),
    tenant: optionalString(claims.tenant),
  };
  const checked: Omit<CheckedResourceToken, 'presentedExp'> = {
    resource,
    scope: optionalString(claims.scope),
    ...expected,
  };

  if (presentedToken === undefined) {
    // Older clients: resolve presented_jti from what this PS issued.
    const record = await ctx.issuedTokens.get(claims.presented_jti);
    if (!record || record.aud !== resource || record.agentJkt !== agentThumbprint) {
      throw problem(
        PROBLEM_CODE.invalidResourceToken,
        'presented_jti names no token this Person Server issued for this agent and resource; send presented_token',
      );
    }
    if (
      record.sub !== expected.sub ||
      record.mission_s256 !== expected.mission_s256 ||
      record.tenant !== expected.tenant
    ) {
      throw problem(
        PROBLEM_CODE.invalidResourceToken,
        'resource_token does not match the token it was issued for',
      );
    }
    if (record.exp <= ctx.now()) {
      throw problem(PROBLEM_CODE.expiredPresentedToken, 'the token named by presented_jti has expired');
    }
    return { ...checked, presentedExp: record.exp };
  }

  const pt = await verifyToken(presentedToken, {
    ...common,
    accept: ['person', 'auth'],
    audience: resource,
  }).catch((error: unknown) => {
    throw tokenProblem(
      error,
      PROBLEM_CODE.invalidPresentedToken,
      PROBLEM_CODE.expiredPresentedToken,
      'presented_token',
    );
  });
  if (pt.cnfThumbprint !== agentThumbprint) {
    throw problem(PROBLEM_CODE.invalidPresentedToken, 'presented_token is bound to another key');
  }
  const ptClaims = pt.claims as Readonly<Record<string, unknown>>;
  const presentedPs = pt.kind === 'person' ? ptClaims.iss : ptClaims.ps;
  const consistent =
    ptClaims.jti === claims.presented_jti &&
    presentedPs === claims.ps &&
    ptClaims.sub === expected.sub &&
    optionalString(ptClaims.mission_s256) === expected.mission_s256 &&
    optionalString(ptClaims.tenant) === expected.tenant;
  if (!consistent) {
    throw problem(PROBLEM_CODE.invalidResourceToken, 'resource_token does not match presented_token');
  }
  return { ...checked, presentedExp: Number(ptClaims.exp) };
}
