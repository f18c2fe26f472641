/**
 * The agent's checks on a resource token before forwarding it to its Person Server
 * (P11 #resource-challenge-verification): `iss` = the resource it called, `agent_jkt` = its own key,
 * `ps` = its own PS, `sub` and `presented_jti` = those of the token it presented, `exp` in the future.
 */
import { TOKEN_TYPE } from '../constants.js';
import { ProtocolError } from './errors.js';
import { readToken, scopeList, type TokenInfo } from './token-info.js';

export interface ResourceTokenExpectations {
  /** Origin of the URL the agent called. */
  resource: string;
  /** RFC 7638 thumbprint of the agent's signing key. */
  thumbprint: string;
  /** The agent's Person Server. */
  personServer: string;
  /** The token the agent presented: its `jti` and `sub`. */
  presented: { jti: string | undefined; sub: string | undefined };
  nowSeconds: number;
  url: string;
}

export interface CheckedResourceToken {
  raw: string;
  info: TokenInfo;
  scope: string[];
  /** Forwarded unchanged to the PS (P11 #ps-token-endpoint). */
  loginHint: string | undefined;
  missionS256: string | undefined;
}

export function checkResourceToken(raw: string, expect: ResourceTokenExpectations): CheckedResourceToken {
  const info = readToken(raw, 'resource token', expect.url);
  const fail = (reason: string): ProtocolError =>
    new ProtocolError(`resource token from ${expect.resource} rejected: ${reason}`, { url: expect.url });
  if (info.typ !== TOKEN_TYPE.resource) throw fail(`typ is ${String(info.typ)}`);
  if (info.iss !== expect.resource) throw fail(`iss ${String(info.iss)} is not the resource called`);
  if (info.claims.agent_jkt !== expect.thumbprint) throw fail('agent_jkt is not this agent key');
  if (info.claims.ps !== expect.personServer)
    throw fail(`ps ${String(info.claims.ps)} is not this agent's PS`);
  if (expect.presented.jti === undefined || info.claims.presented_jti !== expect.presented.jti) {
    throw fail('presented_jti is not the token this agent presented');
  }
  if (info.sub === undefined || info.sub !== expect.presented.sub) {
    throw fail('sub is not the person of the token this agent presented');
  }
  if (info.exp === undefined || info.exp <= expect.nowSeconds) throw fail('it is expired');
  const aud = info.claims.aud;
  if (!(typeof aud === 'string' || Array.isArray(aud))) throw fail('aud is missing');
  const loginHint = info.claims.login_hint;
  const mission = info.claims.mission_s256;
  return {
    raw: info.raw,
    info,
    scope: scopeList(info.claims.scope),
    loginHint: typeof loginHint === 'string' ? loginHint : undefined,
    missionS256: typeof mission === 'string' ? mission : undefined,
  };
}
