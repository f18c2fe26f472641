/**
 * The verified AAuth identity as MCP's `AuthInfo` (what `StreamableHTTPServerTransport` hands tool
 * handlers as `extra.authInfo`), and the helpers a tool uses to read it and to demand a scope.
 */
import type { AAuthIdentity } from '@aauth-kit/resource';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { AAuthIdentityMissingError, InsufficientScopeError } from '../errors.js';

/** Key of the AAuth identity in `AuthInfo.extra`. */
export const AAUTH_AUTH_INFO_KEY = 'aauth';

/** RFC 9278 JWK thumbprint URI prefix (SHA-256). */
const JKT_URI = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';

/**
 * `AuthInfo` for a verified request:
 * - `clientId`: the agent's key as an RFC 9278 thumbprint URI. Every AAuth token is bound to that key,
 *   while only agent tokens name the agent (P11: person and auth tokens do not), so this is the one
 *   agent identifier that stays the same across the token kinds an agent presents.
 * - `token`: the token from `Signature-Key`; `scopes`: what an auth token grants (empty otherwise);
 *   `expiresAt`: its `exp`; `resource`: this MCP server's AAuth identifier.
 * - `extra.aauth`: the full AAuthIdentity (`kind`, `agentJkt`, `agentId?`, `person?`, `scope`, claims);
 *   also `extra.kind`, `extra.agentId`, `extra.person` for quick reads.
 */
export function authInfoFor(identity: AAuthIdentity, resourceIssuer: string): AuthInfo {
  const exp = identity.token.claims.exp;
  const extra: Record<string, unknown> = { [AAUTH_AUTH_INFO_KEY]: identity, kind: identity.kind };
  if (identity.agentId !== undefined) extra.agentId = identity.agentId;
  if (identity.person !== undefined) extra.person = identity.person;
  const info: AuthInfo = {
    token: identity.token.raw,
    clientId: `${JKT_URI}${identity.agentJkt}`,
    scopes: [...identity.scope],
    resource: new URL(resourceIssuer),
    extra,
  };
  if (typeof exp === 'number') info.expiresAt = exp;
  return info;
}

/** What the helpers accept: a tool handler's `extra`, or an `AuthInfo`. */
export type AuthInfoSource = { authInfo?: AuthInfo | undefined } | AuthInfo | undefined;

function isIdentity(value: unknown): value is AAuthIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { kind?: unknown; agentJkt?: unknown; scope?: unknown };
  return (
    typeof candidate.kind === 'string' &&
    typeof candidate.agentJkt === 'string' &&
    Array.isArray(candidate.scope)
  );
}

/** The verified AAuth identity of the request a tool is handling; undefined without the middleware. */
export function aauthIdentity(source: AuthInfoSource): AAuthIdentity | undefined {
  if (source === undefined || source === null) return undefined;
  const info = 'clientId' in source ? source : source.authInfo;
  const identity = info?.extra?.[AAUTH_AUTH_INFO_KEY];
  return isIdentity(identity) ? identity : undefined;
}

/**
 * Inside a tool: the identity when its token grants every scope in `scope` (space-separated string or
 * array); otherwise InsufficientScopeError, which McpServer turns into a readable tool error.
 *
 * This is the tool's own check, not the step-up itself: a tool cannot turn a response into an HTTP 401
 * any more (in SSE mode the 200 is already on its way when the tool runs). The agent is challenged for
 * the scope when the tool is declared in `aauthMcp({ tools: { name: scope } })`, before the call reaches
 * the MCP server; `requireScope` then guards against a missing declaration.
 */
export function requireScope(source: AuthInfoSource, scope: string | readonly string[]): AAuthIdentity {
  const identity = aauthIdentity(source);
  if (identity === undefined) {
    throw new AAuthIdentityMissingError(
      'no verified AAuth identity: mount the aauthMcp middleware in front of the MCP transport',
    );
  }
  const wanted = typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [...scope];
  const granted = new Set(identity.scope);
  const missing = wanted.filter((s) => !granted.has(s));
  if (missing.length > 0) throw new InsufficientScopeError(missing);
  return identity;
}
