/**
 * `aauthTool`: the AI SDK's `tool({ inputSchema, execute, ... })` with AAuth. `execute` receives a
 * signed fetch in its options; the returned object is a plain AI SDK tool (for `ai` 6 and 7 alike).
 */
import { ConfigurationError } from '@aauth-kit/core';
import { AAUTH_OPTION_KEYS, aauthExecute, normalizeOptions, registerGate, type ToolBody } from './execute.js';
import type {
  AAuthConsentMode,
  AAuthConsentRequired,
  AAuthToolExecutionOptions,
  AAuthToolOptions,
  InferSchemaOutput,
  ToolCallOptionsLike,
  ToolResultLike,
} from './types.js';

/** `tool()`'s definition plus the AAuth options; every other `tool()` field passes through. */
export type AAuthToolDefinition<SCHEMA, OUTPUT, MODE extends AAuthConsentMode> = Omit<
  AAuthToolOptions,
  'mode'
> & {
  /** Default `'wait'`. */
  mode?: MODE;
  description?: string;
  inputSchema: SCHEMA;
  execute: (input: InferSchemaOutput<SCHEMA>, options: AAuthToolExecutionOptions) => ToolResultLike<OUTPUT>;
};

/** What `execute` of the built tool returns: in `stream` mode, consent updates come first. */
export type AAuthToolResult<OUTPUT, MODE extends AAuthConsentMode> = MODE extends 'stream'
  ? AsyncIterable<OUTPUT | AAuthConsentRequired>
  : PromiseLike<OUTPUT> | AsyncIterable<OUTPUT>;

/** The AI SDK tool `aauthTool` returns (structurally a `Tool` of `ai` 6 and of `ai` 7). */
export type AAuthTool<SCHEMA, OUTPUT, MODE extends AAuthConsentMode, EXTRA> = Omit<
  EXTRA,
  (typeof AAUTH_OPTION_KEYS)[number] | 'execute' | 'needsApproval' | 'inputSchema'
> & {
  inputSchema: SCHEMA;
  execute: (input: InferSchemaOutput<SCHEMA>, options: ToolCallOptionsLike) => AAuthToolResult<OUTPUT, MODE>;
  /** Set in `approval` mode (AI SDK 6; still honoured by 7 when `toolApproval` is not given). */
  needsApproval?: (
    input: InferSchemaOutput<SCHEMA>,
    options: {
      toolCallId: string;
      messages: readonly unknown[];
      context?: unknown;
      experimental_context?: unknown;
    },
  ) => Promise<boolean>;
};

/**
 * A tool whose HTTP calls are signed by the agent and whose consents pause the way `mode` says:
 *
 * ```ts
 * const summarize = aauthTool({
 *   client, mode: 'stream',
 *   description: 'Summarize a document',
 *   inputSchema: z.object({ id: z.string() }),
 *   execute: async ({ id }, { fetch }) => (await fetch(`${api}/documents/${id}/summary`, { method: 'POST' })).json(),
 * });
 * ```
 */
export function aauthTool<SCHEMA, OUTPUT, EXTRA extends object, MODE extends AAuthConsentMode = 'wait'>(
  definition: AAuthToolDefinition<SCHEMA, OUTPUT, MODE> & EXTRA,
): AAuthTool<SCHEMA, OUTPUT, MODE, EXTRA> {
  if (typeof definition !== 'object' || definition === null) {
    throw new ConfigurationError('aauthTool: a tool definition is required');
  }
  if (typeof definition.execute !== 'function') {
    throw new ConfigurationError('aauthTool: execute must be a function');
  }
  if (definition.inputSchema === undefined || definition.inputSchema === null) {
    throw new ConfigurationError('aauthTool: inputSchema is required');
  }
  const options = normalizeOptions(definition, 'aauthTool');
  const rest: Record<string, unknown> = { ...definition };
  for (const key of AAUTH_OPTION_KEYS) delete rest[key];
  // In approval mode the gate owns needsApproval (a tool that always needs approval still does).
  const ownNeedsApproval = rest.needsApproval;
  if (options.mode === 'approval') delete rest.needsApproval;
  const wrapped = aauthExecute(definition.execute as ToolBody, options, ownNeedsApproval);
  const built = {
    ...rest,
    execute: wrapped.execute,
    ...(wrapped.needsApproval === undefined ? {} : { needsApproval: wrapped.needsApproval }),
  };
  registerGate(built, wrapped.gate);
  return built as unknown as AAuthTool<SCHEMA, OUTPUT, MODE, EXTRA>;
}
