/**
 * The optional resource authorization endpoint (P11 #authorization-endpoint-request): an agent holding a
 * person token asks up front for a resource token covering `scope`, instead of waiting for a challenge.
 * `POST {authorization_endpoint}` signed with the person token, JSON body `{scope, account?}` →
 * `200 {"resource_token": "..."}`. Errors: `invalid_request` / `invalid_scope` (400); a bad signature or
 * token is a 401 Signature-Error; any other token is challenged for a person token.
 */
import { HEADER } from '@aauth-kit/core';
import { PROBLEM_CODE } from './constants.js';
import { AuthorizationRequestError } from './errors.js';
import { jsonResponse, problemResponse } from './responses.js';
import { isScopeToken } from './scope.js';
import type { IssueResourceTokenInput, RouteRequirement, VerifyOutcome } from './types.js';

/** The endpoint is reached with a person token, and only a person token. */
export const AUTHORIZATION_ROUTE: RouteRequirement = Object.freeze({
  accept: Object.freeze(['person'] as const),
});

export interface AuthorizationRequestBody {
  scope: string[];
  account?: string;
}

function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const mediaType = value.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Parse and validate the request body. With `knownScopes` (the metadata's scope_descriptions), a scope
 * outside it is `invalid_scope`.
 */
export function parseAuthorizationRequest(
  contentType: string | null,
  body: Uint8Array | null,
  knownScopes: ReadonlySet<string> | undefined,
): AuthorizationRequestBody {
  if (!isJsonContentType(contentType)) {
    throw new AuthorizationRequestError('invalid_request', 'the request body must be application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body ?? new Uint8Array(0)));
  } catch {
    throw new AuthorizationRequestError('invalid_request', 'the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthorizationRequestError('invalid_request', 'the request body must be a JSON object');
  }
  const { scope, account } = parsed as Record<string, unknown>;
  if (typeof scope !== 'string' || scope.trim() === '') {
    throw new AuthorizationRequestError(
      'invalid_request',
      'scope is required and must be a non-empty string',
    );
  }
  if (account !== undefined && (typeof account !== 'string' || account.length === 0)) {
    throw new AuthorizationRequestError('invalid_request', 'account must be a non-empty string');
  }
  const scopes: string[] = [];
  for (const token of scope.split(' ')) {
    if (token === '') continue;
    if (!isScopeToken(token)) {
      throw new AuthorizationRequestError(
        'invalid_scope',
        `${JSON.stringify(token)} is not a valid scope token`,
      );
    }
    if (knownScopes !== undefined && !knownScopes.has(token)) {
      throw new AuthorizationRequestError(
        'invalid_scope',
        `scope ${JSON.stringify(token)} is not offered by this resource`,
      );
    }
    if (!scopes.includes(token)) scopes.push(token);
  }
  return account === undefined ? { scope: scopes } : { scope: scopes, account };
}

export interface AuthorizationEndpointDeps {
  knownScopes: ReadonlySet<string> | undefined;
  verify(
    request: Request,
    signal: AbortSignal | undefined,
  ): Promise<{ outcome: VerifyOutcome; body: Uint8Array | null }>;
  issueResourceToken(input: IssueResourceTokenInput): Promise<string>;
}

export async function handleAuthorizationRequest(
  deps: AuthorizationEndpointDeps,
  request: Request,
  signal: AbortSignal | undefined,
): Promise<Response> {
  if (request.method !== 'POST') {
    return problemResponse(
      405,
      PROBLEM_CODE.methodNotAllowed,
      'the authorization endpoint accepts POST only',
      {
        allow: 'POST',
      },
    );
  }
  const { outcome, body } = await deps.verify(request, signal);
  if (!outcome.ok) return outcome.response;
  const { identity } = outcome;
  let parsed: AuthorizationRequestBody;
  try {
    parsed = parseAuthorizationRequest(request.headers.get(HEADER.contentType), body, deps.knownScopes);
  } catch (error) {
    if (!(error instanceof AuthorizationRequestError)) throw error;
    return problemResponse(400, error.error, error.message);
  }
  const input: IssueResourceTokenInput = {
    presented: identity.token,
    agentJkt: identity.agentJkt,
    scope: parsed.scope,
  };
  if (parsed.account !== undefined) input.account = parsed.account;
  const resourceToken = await deps.issueResourceToken(input);
  return jsonResponse({ resource_token: resourceToken }, 200);
}
