/**
 * `aauthMiddleware({ client })` for `createAgent`: every tool call of the agent runs inside the
 * client's AAuth scope (so `aauthFetch` signs), and "consent required" becomes a LangGraph interrupt
 * (or a wait) around the tool's execution. Tools need no change.
 */
import { createMiddleware } from 'langchain';
import { runToolCall } from './consent-loop.js';
import { declinedToolMessage } from './declined.js';
import { type AAuthOptions, resolveOptions } from './options.js';

export const AAUTH_MIDDLEWARE_NAME = 'AAuthMiddleware';

export function aauthMiddleware(options: AAuthOptions) {
  const resolved = resolveOptions(options);
  return createMiddleware({
    name: AAUTH_MIDDLEWARE_NAME,
    wrapToolCall: async (request, handler) => {
      const { toolCall } = request;
      const callId = toolCall.id;
      const outcome = await runToolCall(
        resolved,
        { name: toolCall.name, callId, signal: request.runtime.signal },
        async () => handler(request),
      );
      if (outcome.kind === 'done') return outcome.value;
      return declinedToolMessage(outcome.declined, resolved, { id: callId ?? '', name: toolCall.name });
    },
  });
}
