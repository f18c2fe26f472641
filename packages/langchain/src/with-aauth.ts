/**
 * `withAAuth(tool, { client })`: the same tool (name, description, schema, response format, metadata
 * all inherited), whose every run happens inside the client's AAuth scope and turns "consent
 * required" into a LangGraph interrupt (or a wait).
 */
import { ConfigurationError } from '@aauth-kit/core';
import type { StructuredToolInterface, ToolRunnableConfig } from '@langchain/core/tools';
import { runToolCall } from './consent-loop.js';
import { declinedError, declinedToolMessage } from './declined.js';
import { type AAuthOptions, resolveOptions } from './options.js';

/** The id of the tool call being answered: from a ToolCall input, else from the ToolNode's config. */
function toolCallIdOf(input: unknown, config: ToolRunnableConfig | undefined): string | undefined {
  if (typeof input === 'object' && input !== null) {
    const call = input as { type?: unknown; id?: unknown };
    if (call.type === 'tool_call' && typeof call.id === 'string') return call.id;
  }
  const fromConfig = config?.toolCall?.id ?? (config as { toolCallId?: unknown } | undefined)?.toolCallId;
  return typeof fromConfig === 'string' ? fromConfig : undefined;
}

/**
 * Wraps any LangChain tool (`tool()`, `DynamicStructuredTool`, `DynamicTool`, MCP tools from
 * `@langchain/mcp-adapters`, your `StructuredTool` subclasses). The result inherits everything from
 * `tool` and only replaces how it is invoked, so it is accepted wherever `tool` was.
 *
 * A declined consent becomes a `ToolMessage` with `status: 'error'` when the run answers a tool call;
 * a plain `invoke(args)` rejects with the typed error instead.
 */
export function withAAuth<T extends StructuredToolInterface>(tool: T, options: AAuthOptions): T {
  if (
    typeof tool !== 'object' ||
    tool === null ||
    typeof tool.invoke !== 'function' ||
    typeof tool.name !== 'string'
  ) {
    throw new ConfigurationError('withAAuth expects a LangChain tool (an object with name and invoke)');
  }
  const resolved = resolveOptions(options);
  const original = tool.invoke.bind(tool) as (
    input: unknown,
    config?: ToolRunnableConfig,
  ) => Promise<unknown>;

  async function invoke(input: unknown, config?: ToolRunnableConfig): Promise<unknown> {
    const callId = toolCallIdOf(input, config);
    const outcome = await runToolCall(resolved, { name: tool.name, callId, signal: config?.signal }, () =>
      original(input, config),
    );
    if (outcome.kind === 'done') return outcome.value;
    if (callId === undefined) throw declinedError(outcome.declined, outcome.error);
    return declinedToolMessage(outcome.declined, resolved, { id: callId, name: tool.name });
  }

  const wrapped = Object.create(tool) as T;
  Object.defineProperties(wrapped, {
    invoke: { value: invoke, writable: true, configurable: true },
    // Deprecated, but still part of the interface: route it through the same path.
    call: { value: invoke, writable: true, configurable: true },
  });
  return wrapped;
}
