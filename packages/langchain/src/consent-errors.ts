/**
 * Recognizes the consent outcomes of a failed tool call: "a person must act" (the client's
 * ConsentRequiredError, or an error that lost it on the way, such as an MCP tool's ToolException) and
 * "the consent ended without access" (denied, expired, gone). Errors are matched by their stable
 * `code`, so a second copy of @aauth-kit/core in node_modules still matches.
 */
import {
  type AAuthClient,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  type Interaction,
  InteractionGoneError,
  type PendingConsent,
} from '@aauth-kit/core';

/** What a person has to act on before the call can go on. */
export interface ConsentNeeded {
  interaction: Interaction;
  pending: PendingConsent;
}

/** Why a tool call ended without access; the model reads it as an error ToolMessage. */
export interface ConsentDeclined {
  /**
   * `declined`: resumed with `{ approved: false }`; `denied`: the person (or a policy) refused at the
   * Person Server; `expired`: nobody decided in time; `gone`: the pending request no longer exists.
   */
  reason: 'declined' | 'denied' | 'expired' | 'gone';
  resource: string;
  scope: string[];
  /** The server's problem code (`denied`, `abandoned`, `revoked`, `expired`, `invalid_code`, ...). */
  error?: string;
}

/** JSON-RPC "URL elicitation required": what an AAuth MCP transport answers when consent is needed. */
export const URL_ELICITATION_REQUIRED = -32042;

const MAX_CAUSE_DEPTH = 8;

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** The error and its `cause` chain (bounded: causes may be cyclic). */
function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    yield current;
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
}

function isConsentRequired(error: unknown): error is ConsentNeeded {
  if (codeOf(error) !== ConsentRequiredError.code) return false;
  const { interaction, pending } = error as Partial<ConsentNeeded>;
  return typeof interaction === 'object' && typeof pending === 'object' && typeof pending?.id === 'string';
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return '';
}

/**
 * Whether an error (or one of its causes) says consent is required without carrying it: an MCP
 * `UrlElicitationRequiredError` (code -32042), or the text of one after a framework flattened it into a
 * message (`@langchain/mcp-adapters` throws `ToolException("Error calling tool x: McpError: MCP error
 * -32042: ...")` with no cause).
 */
function mentionsConsentRequired(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (codeOf(link) === URL_ELICITATION_REQUIRED) return true;
    const message = messageOf(link);
    if (/MCP error -32042\b/.test(message) || message.includes(ConsentRequiredError.code)) return true;
    if (message.includes('ConsentRequiredError')) return true;
  }
  return false;
}

/** An interaction for a pending consent that has none yet (nothing to visit: approved out of band). */
function approvalOnly(pending: PendingConsent): Interaction {
  return {
    kind: 'approval',
    resource: pending.resource,
    scope: [...pending.scope],
    expiresAt: pending.expiresAt,
    server: 'person-server',
    pendingId: pending.id,
  };
}

/**
 * The consent a failed call waits on: from the error itself, else (when the error only mentions it)
 * from the client's remembered pending consents, narrowed to `resource` when given.
 */
export function consentNeededBy(
  error: unknown,
  client: AAuthClient,
  resource: string | undefined,
): ConsentNeeded | undefined {
  for (const link of causeChain(error)) {
    if (isConsentRequired(link)) return { interaction: link.interaction, pending: link.pending };
  }
  if (!mentionsConsentRequired(error)) return undefined;
  const pending = client.pendingConsent(resource);
  if (pending === undefined) return undefined;
  return { interaction: pending.interaction ?? approvalOnly(pending), pending };
}

/**
 * The client's consent-ending errors as text, for errors a framework flattened into a message
 * (`ToolException("Error calling tool x: ConsentDeniedError: consent for <resource> ended: denied")`):
 * the class name followed by the message @aauth-kit/core gives it.
 */
const FLATTENED: readonly { reason: ConsentDeclined['reason']; pattern: RegExp }[] = [
  { reason: 'denied', pattern: /ConsentDeniedError: consent for (\S+) ended: ([\w-]+)/ },
  { reason: 'expired', pattern: /ConsentExpiredError: consent for (\S+) expired\b/ },
  { reason: 'gone', pattern: /InteractionGoneError: pending request for (\S+) is gone \(([\w-]+)\)/ },
];

function declinedFromText(error: unknown): ConsentDeclined | undefined {
  for (const link of causeChain(error)) {
    const message = messageOf(link);
    for (const { reason, pattern } of FLATTENED) {
      const match = pattern.exec(message);
      if (match === null) continue;
      return { reason, resource: match[1]!, scope: [], error: match[2] ?? reason };
    }
  }
  return undefined;
}

/** The declined outcome an error stands for (denied, expired, gone), or undefined for any other error. */
export function consentDeclinedBy(error: unknown): ConsentDeclined | undefined {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code === ConsentDeniedError.code) {
      const denied = link as ConsentDeniedError;
      return { reason: 'denied', resource: String(denied.resource), scope: [], error: String(denied.error) };
    }
    if (code === ConsentExpiredError.code) {
      const expired = link as ConsentExpiredError;
      return {
        reason: 'expired',
        resource: String(expired.resource),
        scope: [],
        error: expired.problem?.error ?? 'expired',
      };
    }
    if (code === InteractionGoneError.code) {
      const gone = link as InteractionGoneError;
      return { reason: 'gone', resource: String(gone.resource), scope: [], error: String(gone.error) };
    }
  }
  return declinedFromText(error);
}

/** The default text the model reads when a consent ends without access. */
export function describeDeclined(declined: ConsentDeclined): string {
  const what =
    declined.scope.length > 0
      ? `${declined.resource} (scope: ${declined.scope.join(' ')})`
      : declined.resource;
  switch (declined.reason) {
    case 'declined':
      return `Access to ${what} was not granted: the user declined the consent request. Do not call this tool again for it unless the user asks you to.`;
    case 'denied':
      return `Access to ${what} was denied (${declined.error ?? 'denied'}). Do not call this tool again for it unless the user asks you to.`;
    case 'expired':
      return `The consent request for ${what} expired before the user answered. Calling the tool again asks the user again.`;
    case 'gone':
      return `The consent request for ${what} no longer exists (${declined.error ?? 'gone'}). Calling the tool again asks the user again.`;
  }
}
