/**
 * AAuth consent as MCP URL-mode elicitation (MCP 2025-11-25, SEP-1036): the consent link becomes an
 * `ElicitRequestURLParams`, carried in a JSON-RPC error -32042 (`URL elicitation required`). Shared by
 * the client middleware (which answers the call itself) and by tools that call AAuth resources.
 */
import { ConsentRequiredError, type Interaction } from '@aauth-kit/core';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC error code "URL elicitation required" (MCP `ErrorCode.UrlElicitationRequired`). */
export const URL_ELICITATION_REQUIRED = -32042;

/** The shape of MCP's `ElicitRequestURLParams` (v1 and v2 SDKs), without the optional members. */
export interface UrlElicitation {
  mode: 'url';
  /** The pending consent's id: parallel calls waiting on one consent share it. */
  elicitationId: string;
  /** The consent page (`{url}?code={code}`). */
  url: string;
  message: string;
}

/** Builds the text shown next to the consent link. */
export type ConsentMessage = (interaction: Interaction) => string;

/** "Approve access to https://api.example (documents.write). Code: ABCD-EFGH" */
export const defaultConsentMessage: ConsentMessage = (interaction) => {
  const scope = interaction.scope.length > 0 ? ` (${interaction.scope.join(' ')})` : '';
  const code = interaction.code === undefined ? '' : ` Code: ${interaction.code}`;
  return `Approve access to ${interaction.resource}${scope}.${code}`;
};

/** The URL elicitation for a consent; undefined for an approval, which has no page to visit. */
export function consentElicitation(
  interaction: Interaction,
  message: ConsentMessage = defaultConsentMessage,
): UrlElicitation | undefined {
  if (interaction.interactionUrl === undefined) return undefined;
  return {
    mode: 'url',
    elicitationId: interaction.pendingId,
    url: interaction.interactionUrl,
    message: message(interaction),
  };
}

/** True for the core client's ConsentRequiredError, also across duplicate copies of the core package. */
export function isConsentRequiredError(error: unknown): error is ConsentRequiredError {
  if (error instanceof ConsentRequiredError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; interaction?: unknown; pending?: unknown };
  return (
    candidate.code === ConsentRequiredError.code &&
    typeof candidate.interaction === 'object' &&
    candidate.interaction !== null &&
    typeof candidate.pending === 'object' &&
    candidate.pending !== null
  );
}

/**
 * For a tool that calls an AAuth resource with its own client in `'throw'` mode (created with
 * `consent: 'throw'`, or any client's `withConsent('throw')` view): the error to throw so the MCP
 * client gets -32042 with the consent link (McpServer passes this error through instead of turning it
 * into a tool result). An approval without a page stays the ConsentRequiredError, which becomes a
 * readable tool error.
 */
export function consentElicitationError(
  error: ConsentRequiredError,
  message: ConsentMessage = defaultConsentMessage,
): UrlElicitationRequiredError | ConsentRequiredError {
  const elicitation = consentElicitation(error.interaction, message);
  if (elicitation === undefined) return error;
  return new UrlElicitationRequiredError([elicitation], `AAuth consent required: ${elicitation.message}`);
}

/** Wraps a tool callback so a ConsentRequiredError it raises reaches the MCP client as -32042. */
export function withConsentElicitation<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
  message?: ConsentMessage,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isConsentRequiredError(error)) throw consentElicitationError(error, message);
      throw error;
    }
  };
}

function isElicitation(value: unknown): value is UrlElicitation {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return item.mode === 'url' && typeof item.url === 'string' && typeof item.elicitationId === 'string';
}

/**
 * The URL elicitations an MCP error carries (`code === -32042`, `data.elicitations`), for v1 and v2
 * SDK errors alike (`instanceof` does not work across them); empty for any other error.
 */
export function urlElicitationsOf(error: unknown): UrlElicitation[] {
  if (typeof error !== 'object' || error === null) return [];
  const candidate = error as { code?: unknown; data?: unknown };
  if (candidate.code !== URL_ELICITATION_REQUIRED) return [];
  const data = candidate.data as { elicitations?: unknown } | undefined;
  if (!Array.isArray(data?.elicitations)) return [];
  return data.elicitations.filter(isElicitation).map((item) => ({
    mode: 'url',
    elicitationId: item.elicitationId,
    url: item.url,
    message: typeof item.message === 'string' ? item.message : '',
  }));
}
