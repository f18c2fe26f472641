/**
 * Approval mode helpers: `aauthToolApproval()` for AI SDK 7's `toolApproval` option (the approval
 * request then carries the consent URL as its `reason`), and `aauthConsentFor()` to read the consent
 * behind an approval request (AI SDK 6 requests carry no reason).
 */
import { ConfigurationError } from '@aauth-kit/core';
import { gateOf } from './execute.js';
import type { AAuthConsentRequired, ToolApprovalRequestLike, ToolApprovalStatusLike } from './types.js';

type StatusOrPromise = ToolApprovalStatusLike | PromiseLike<ToolApprovalStatusLike>;

/** What AI SDK 7 itself does for a tool when `toolApproval` is a function: honour its `needsApproval`. */
async function ownApproval(request: ToolApprovalRequestLike): Promise<ToolApprovalStatusLike> {
  const tool = request.tools?.[request.toolCall.toolName];
  const needsApproval: unknown =
    typeof tool === 'object' && tool !== null
      ? (tool as { needsApproval?: unknown }).needsApproval
      : undefined;
  if (needsApproval === true) return 'user-approval';
  if (typeof needsApproval !== 'function') return 'not-applicable';
  const toolContext = (request.toolsContext as Record<string, unknown> | undefined)?.[
    request.toolCall.toolName
  ];
  const needed: unknown = await needsApproval(request.toolCall.input, {
    toolCallId: request.toolCall.toolCallId,
    messages: request.messages,
    context: toolContext,
  });
  return needed === true ? 'user-approval' : 'not-applicable';
}

/**
 * A `toolApproval` function for AI SDK 7: AAuth tools in `approval` mode ask for approval exactly when
 * their call needs consent, with the consent URL as the request's `reason`. Other tools are decided by
 * `fallback`, or by their own `needsApproval` when there is no fallback.
 *
 * ```ts
 * await generateText({ model, tools, toolApproval: aauthToolApproval(), messages });
 * ```
 */
export function aauthToolApproval<REQUEST extends ToolApprovalRequestLike>(
  fallback?: (request: REQUEST) => StatusOrPromise,
): (request: REQUEST) => Promise<ToolApprovalStatusLike> {
  if (fallback !== undefined && typeof fallback !== 'function') {
    throw new ConfigurationError('aauthToolApproval: fallback must be a function');
  }
  return async (request) => {
    const gate = gateOf(request.tools?.[request.toolCall.toolName]);
    if (gate === undefined) return fallback === undefined ? ownApproval(request) : fallback(request);
    const toolContext = (request.toolsContext as Record<string, unknown> | undefined)?.[
      request.toolCall.toolName
    ];
    const decision = await gate.decide(request.toolCall.input, {
      toolCallId: request.toolCall.toolCallId,
      messages: request.messages,
      context: toolContext,
    });
    if (!decision.needsApproval) return 'not-applicable';
    return decision.consent === undefined
      ? { type: 'user-approval' }
      : { type: 'user-approval', reason: decision.consent.message };
  };
}

/** An approval request as the SDK emits it (`result.content`, stream parts): it names the tool call. */
export interface ApprovalRequestLike {
  toolCall: { toolCallId: string; toolName: string };
}

/**
 * The consent behind an approval request of an `approval`-mode tool in `tools` (undefined for other
 * tools, or when this process did not see the call stop on a consent).
 */
export function aauthConsentFor(
  tools: Readonly<Record<string, unknown>> | undefined,
  request: ApprovalRequestLike,
): AAuthConsentRequired | undefined {
  const call = request?.toolCall;
  if (typeof call?.toolCallId !== 'string' || typeof call.toolName !== 'string') return undefined;
  return gateOf(tools?.[call.toolName])?.consentFor(call.toolCallId);
}
