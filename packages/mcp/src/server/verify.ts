/**
 * Framework-neutral verification of an MCP request (Streamable HTTP) at an AAuth-protected MCP server.
 * The JSON-RPC body decides the route: a `tools/call` of a tool declared in `tools` needs that tool's
 * requirement (typically an auth token with a scope), everything else needs `route`. The request is
 * then verified once with `resource.verify` — which answers the AAuth challenge (401 +
 * `AAuth-Requirement`, a resource token for the tool's scope) or the signature error itself.
 *
 * Why declare scopes per tool here rather than have the tool fail: by the time a tool runs, the HTTP
 * response may already be a 200 event stream, so only a decision made before the MCP transport sees
 * the message can still be an HTTP 401 the agent's client answers and retries transparently.
 */
import { ConfigurationError, createProblem, InvalidArgumentError } from '@aauth-kit/core';
import {
  type AAuthIdentity,
  type AcceptableTokenKind,
  MEDIA_TYPE,
  normalizeRoute,
  PayloadTooLargeError,
  PROBLEM_CODE,
  type Resource,
  type RouteRequirement,
  readRequestBody,
} from '@aauth-kit/resource';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { describeMessages, parseErrorResponse, parseJson } from '../jsonrpc.js';
import { authInfoFor } from './auth-info.js';

/** A tool's requirement: scope(s) an auth token must grant, or a full route. */
export type ToolRequirement = string | readonly string[] | RouteRequirement;

export interface AAuthMcpOptions {
  /**
   * What every MCP request needs: initialize, lists, notifications, the GET event stream, the DELETE
   * that ends a session, and calls of tools not in `tools`. Default: any AAuth token
   * (`{ accept: ['agent', 'person', 'auth'] }`).
   */
  route?: RouteRequirement;
  /**
   * Per-tool requirements for `tools/call`, replacing `route` for that call. A scope string or array
   * means `{ accept: ['auth'], scope }`: the agent is challenged for an auth token granting it (and the
   * person is asked for consent by their Person Server).
   */
  tools?: Readonly<Record<string, ToolRequirement>>;
}

export type McpVerifyOutcome =
  | {
      ok: true;
      identity: AAuthIdentity;
      /** For `transport.handleRequest(req, res, body)` via `req.auth`, or `{ authInfo }` (web standard). */
      authInfo: AuthInfo;
      /** The parsed JSON-RPC body (hand it to the transport as `parsedBody`); undefined without a body. */
      message: unknown;
    }
  | { ok: false; response: Response };

export interface McpVerifier {
  /** Verify a request; `body` when its bytes were already read (otherwise a clone is read, bounded). */
  verify(
    request: Request,
    options?: { body?: Uint8Array | null; signal?: AbortSignal },
  ): Promise<McpVerifyOutcome>;
  /** The route a (parsed) JSON-RPC body is checked against. */
  routeFor(message: unknown): RouteRequirement;
}

const ANY_TOKEN: RouteRequirement = Object.freeze({
  accept: Object.freeze(['agent', 'person', 'auth'] as const),
});
const BODYLESS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);
const decoder = new TextDecoder('utf-8', { fatal: true });

function toRoute(name: string, requirement: ToolRequirement): RouteRequirement {
  const route: RouteRequirement =
    typeof requirement === 'string' || Array.isArray(requirement)
      ? { accept: ['auth'], scope: requirement as string | readonly string[] }
      : (requirement as RouteRequirement);
  try {
    normalizeRoute(route);
  } catch (cause) {
    throw new ConfigurationError(`tools.${name}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  return route;
}

/** Several declared tools in one batch: every one's requirement must hold. */
function combine(routes: readonly RouteRequirement[]): RouteRequirement | undefined {
  let accept: AcceptableTokenKind[] | undefined;
  const scope = new Set<string>();
  for (const route of routes) {
    const normalized = normalizeRoute(route);
    accept = accept === undefined ? [...normalized.accept] : accept.filter((k) => normalized.accept.has(k));
    for (const s of normalized.scope) scope.add(s);
  }
  if (accept === undefined || accept.length === 0) return undefined;
  return scope.size === 0 ? { accept } : { accept, scope: [...scope] };
}

/** 413 problem response for a body over the resource's `maxBodyBytes`. */
export function payloadTooLargeResponse(error: PayloadTooLargeError): Response {
  const problem = createProblem(PROBLEM_CODE.payloadTooLarge, { status: 413, detail: error.message });
  return new Response(JSON.stringify(problem), {
    status: 413,
    headers: { 'content-type': MEDIA_TYPE.problemJson, 'cache-control': 'no-store' },
  });
}

function batchConflict(): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message: 'Invalid Request: the batch calls tools no single AAuth token can satisfy',
      },
    }),
    { status: 400, headers: { 'content-type': 'application/json' } },
  );
}

/** Parsed JSON of a body; `invalid` for bytes that are not UTF-8 JSON. */
function parseBody(body: Uint8Array | null): { message: unknown } | 'invalid' {
  if (body === null || body.byteLength === 0) return { message: undefined };
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return 'invalid';
  }
  const parsed = parseJson(text);
  return parsed === undefined ? 'invalid' : { message: parsed.value };
}

export function createMcpVerifier(resource: Resource, options: AAuthMcpOptions = {}): McpVerifier {
  if (typeof resource?.verify !== 'function') {
    throw new ConfigurationError('aauthMcp needs a Resource (createResource from @aauth-kit/resource)');
  }
  const base = options.route ?? ANY_TOKEN;
  try {
    normalizeRoute(base);
  } catch (cause) {
    throw new ConfigurationError(`route: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
  const tools = new Map<string, RouteRequirement>();
  for (const [name, requirement] of Object.entries(options.tools ?? {})) {
    tools.set(name, toRoute(name, requirement));
  }

  function routeFor(message: unknown): RouteRequirement {
    if (tools.size === 0 || message === undefined) return base;
    const messages = describeMessages(message);
    if (messages === undefined) return base;
    const declared: RouteRequirement[] = [];
    for (const info of messages) {
      const route = info.toolName === undefined ? undefined : tools.get(info.toolName);
      if (route !== undefined && !declared.includes(route)) declared.push(route);
    }
    if (declared.length === 0) return base;
    if (declared.length === 1) return declared[0]!;
    const combined = combine(declared);
    if (combined === undefined) throw new InvalidArgumentError('batch needs incompatible token kinds');
    return combined;
  }

  async function verify(
    request: Request,
    verifyOptions: { body?: Uint8Array | null; signal?: AbortSignal } = {},
  ): Promise<McpVerifyOutcome> {
    let body: Uint8Array | null = null;
    if (!BODYLESS.has(request.method.toUpperCase())) {
      try {
        body =
          verifyOptions.body !== undefined
            ? verifyOptions.body
            : await readRequestBody(request, resource.maxBodyBytes);
      } catch (error) {
        if (error instanceof PayloadTooLargeError)
          return { ok: false, response: payloadTooLargeResponse(error) };
        throw error;
      }
    }
    const parsed = parseBody(body);
    let route: RouteRequirement;
    try {
      route = parsed === 'invalid' ? base : routeFor(parsed.message);
    } catch (error) {
      if (error instanceof InvalidArgumentError) return { ok: false, response: batchConflict() };
      throw error;
    }
    const outcome = await resource.verify(
      request,
      route,
      verifyOptions.signal === undefined ? {} : { signal: verifyOptions.signal },
    );
    if (!outcome.ok) return { ok: false, response: outcome.response };
    // Authenticated, but not JSON: answer as the MCP transport would (it cannot re-read the body).
    if (parsed === 'invalid') return { ok: false, response: parseErrorResponse() };
    return {
      ok: true,
      identity: outcome.identity,
      authInfo: authInfoFor(outcome.identity, resource.issuer),
      message: parsed.message,
    };
  }

  return { verify, routeFor };
}
