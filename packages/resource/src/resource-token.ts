/**
 * Resource tokens (P11 #resource-token): what the resource asks the person's PS (or its AS) to authorize,
 * bound to the agent's key and to the token the request carried, so the PS can check nothing was swapped.
 */
import { InvalidArgumentError, type MintClaims, mintResourceToken, type Signer } from '@aauth-kit/core';
import type { IssuerTrust } from './trust.js';
import type { IssueResourceTokenInput } from './types.js';

export interface ResourceTokenIssuerOptions {
  issuer: string;
  signer: Signer;
  kid: string;
  lifetimeSeconds: number;
  development: boolean;
  accessServer: string | undefined;
  trust: IssuerTrust;
  now: () => number;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The claims for a resource token answering `presented`:
 * - `ps`: the person token's `iss`, or the auth token's `ps` (step-up);
 * - `aud`: the configured Access Server (four-party), else that PS;
 * - `sub`, `mission_s256`, `tenant` copied; `presented_jti` = the presented token's `jti`.
 */
export function resourceTokenClaims(
  issuer: string,
  accessServer: string | undefined,
  input: IssueResourceTokenInput,
): MintClaims<'resource'> {
  const { presented } = input;
  if (presented === null || typeof presented !== 'object') {
    throw new InvalidArgumentError('presented must be a verified person or auth token');
  }
  if (presented.kind !== 'person' && presented.kind !== 'auth') {
    throw new InvalidArgumentError(
      `a resource token answers a person or auth token, not a ${presented.kind} token`,
    );
  }
  const claims = presented.claims;
  const ps = presented.kind === 'person' ? claims.iss : optionalString(claims.ps);
  if (ps === undefined) throw new InvalidArgumentError('the presented auth token has no ps claim');
  if (typeof input.agentJkt !== 'string' || input.agentJkt.length === 0) {
    throw new InvalidArgumentError('agentJkt must be a key thumbprint');
  }
  if (!Array.isArray(input.scope) || input.scope.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new InvalidArgumentError('scope must be an array of scope tokens');
  }
  const out: MintClaims<'resource'> = {
    iss: issuer,
    aud: accessServer ?? ps,
    ps,
    sub: claims.sub,
    presented_jti: claims.jti,
    agent_jkt: input.agentJkt,
  };
  if (input.scope.length > 0) out.scope = input.scope.join(' ');
  if (input.account !== undefined) out.account = input.account;
  const mission = optionalString(claims.mission_s256);
  if (mission !== undefined) out.mission_s256 = mission;
  const tenant = optionalString(claims.tenant);
  if (tenant !== undefined) out.tenant = tenant;
  return out;
}

export type ResourceTokenIssuer = (input: IssueResourceTokenInput) => Promise<string>;

export function createResourceTokenIssuer(options: ResourceTokenIssuerOptions): ResourceTokenIssuer {
  const mintOptions = {
    signer: options.signer,
    kid: options.kid,
    lifetimeSeconds: options.lifetimeSeconds,
    allowLocalhostHttp: options.development,
    now: options.now,
  };
  return async (input) => {
    const claims = resourceTokenClaims(options.issuer, options.accessServer, input);
    const token = await mintResourceToken(claims, mintOptions);
    // Default auth-token trust: the PS we just asked to authorize may answer with an auth token.
    if (options.accessServer === undefined && typeof claims.aud === 'string') {
      options.trust.recordResourceTokenIssued(claims.aud, options.now());
    }
    return token;
  };
}
