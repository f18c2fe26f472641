/**
 * MCP servers in the Agents SDK (`MCPServerStreamableHttp`, `MCPServerSSE`): the AAuth client's fetch
 * signs every request the MCP transport sends, and an `errorFunction` keeps the consent URL for the
 * model. The SDK's MCP client declares no elicitation, so consent cannot be asked through MCP itself:
 * the fetch raises ConsentRequiredError (a blocking wait would outlast MCP request timeouts), the model
 * relays the link, and its next call polls the remembered consent.
 */
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';
import type { MCPToolErrorFunction } from '@openai/agents';
import { DEFAULT_TOOL_ERROR_TEXT, describeAAuthError, describeInteraction } from './describe.js';

/** The fetch shape MCP transports take (`FetchLike`). */
export type McpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface AAuthMcpFetchOptions {
  /**
   * `'throw'` (default): a consent fails the MCP call with ConsentRequiredError at once. `'wait'`: the
   * request blocks until the person decides (give the server a long `timeout`).
   */
  consent?: 'wait' | 'throw';
}

/** `fetch` for `new MCPServerStreamableHttp({ url, fetch })`: every MCP request signed by `client`. */
export function aauthMcpFetch(client: AAuthClient, options: AAuthMcpFetchOptions = {}): McpFetch {
  const consent = options.consent ?? 'throw';
  if (consent !== 'wait' && consent !== 'throw') {
    throw new ConfigurationError("aauthMcpFetch consent must be 'wait' or 'throw'");
  }
  if (typeof client?.withConsent !== 'function') {
    throw new ConfigurationError('client must be an AAuth client (createAAuthClient from @aauth-kit/core)');
  }
  const view = client.withConsent(consent);
  return (url, init) => view.fetch(url, init);
}

/** MCP's "URL elicitation required" error code (SEP-1036). */
export const URL_ELICITATION_REQUIRED = -32042;

interface UrlElicitation {
  url: string;
}

function elicitationsOf(error: unknown): unknown[] {
  if (typeof error !== 'object' || error === null) return [];
  const candidate = error as { code?: unknown; elicitations?: unknown; data?: unknown };
  if (candidate.code !== URL_ELICITATION_REQUIRED) return [];
  if (Array.isArray(candidate.elicitations)) return candidate.elicitations;
  const data = candidate.data as { elicitations?: unknown } | undefined;
  return Array.isArray(data?.elicitations) ? data.elicitations : [];
}

/** The first http(s) URL elicitation a -32042 error carries (v1 or v2 SDK shapes). */
export function urlElicitationOf(error: unknown): UrlElicitation | undefined {
  for (const item of elicitationsOf(error)) {
    if (typeof item !== 'object' || item === null) continue;
    const url = (item as { url?: unknown }).url;
    if (typeof url !== 'string' || !URL.canParse(url)) continue;
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && protocol !== 'http:') continue;
    return { url };
  }
  return undefined;
}

export interface AAuthMcpErrorFunctionOptions {
  /** The client whose fetch the server uses: a consent it is waiting on is reported when the error lost it. */
  client?: AAuthClient;
  /** The MCP server URL (narrows the client's pending consents to its origin). */
  url?: string | URL;
  /** For errors that are not about AAuth (default: the SDK's generic text). */
  fallback?: MCPToolErrorFunction;
}

/**
 * `errorFunction` for MCP servers: the model reads the consent link (from the AAuth error, from a
 * -32042 URL elicitation, or from the client's pending consent) instead of the SDK's generic text.
 */
export function aauthMcpErrorFunction(options: AAuthMcpErrorFunctionOptions = {}): MCPToolErrorFunction {
  return async ({ context, error }) => {
    const described = describeAAuthError(error);
    if (described !== undefined) return described;
    const elicitation = urlElicitationOf(error);
    if (elicitation !== undefined) {
      return `AAuth consent required: the user must approve this call at ${elicitation.url}. Ask the user to open the link and approve, then call the tool again.`;
    }
    const pending = options.client?.pendingConsent(options.url);
    if (pending?.interaction !== undefined) return describeInteraction(pending.interaction);
    return options.fallback === undefined ? DEFAULT_TOOL_ERROR_TEXT : options.fallback({ context, error });
  };
}
