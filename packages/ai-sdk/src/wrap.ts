/**
 * AAuth for tools that already exist: one built with the SDK's `tool()` (its body can call
 * `aauthFetch`, or read `options.fetch`), or the tools `createMCPClient(...).tools()` returns (their
 * requests go through the MCP transport's signed fetch; the wrapper adds the consent handling).
 */
import { ConfigurationError } from '@aauth-kit/core';
import { aauthExecute, normalizeOptions, registerGate } from './execute.js';
import type {
  AAuthConsentMode,
  AAuthConsentRequired,
  AAuthToolOptions,
  ToolCallOptionsLike,
} from './types.js';

type ExecuteOf<TOOL> = TOOL extends { execute?: infer EXECUTE } ? EXECUTE : never;
type InputOf<TOOL> =
  ExecuteOf<TOOL> extends (input: infer INPUT, ...rest: never[]) => unknown ? INPUT : never;
type OutputOf<TOOL> =
  ExecuteOf<TOOL> extends (...args: never[]) => infer RESULT
    ? RESULT extends AsyncIterable<infer ITEM>
      ? ITEM
      : Awaited<RESULT>
    : never;

/** `TOOL` with another `execute`, member by member (AI SDK 7's `Tool` is a union of tool kinds). */
type WithExecute<TOOL, EXECUTE> = TOOL extends unknown ? Omit<TOOL, 'execute'> & { execute: EXECUTE } : never;

/**
 * The wrapped tool: the same tool, except that in `stream` mode `execute` also yields consent updates.
 * (AI SDK 7 still infers the tool's output type from its other members, so test preliminary outputs with
 * `isAAuthConsentRequired` rather than relying on the static type.)
 */
export type WithAAuthTool<TOOL, MODE extends AAuthConsentMode> = MODE extends 'stream'
  ? ExecuteOf<TOOL> extends (...args: never[]) => unknown
    ? WithExecute<
        TOOL,
        (
          input: InputOf<TOOL>,
          options: ToolCallOptionsLike,
        ) => AsyncIterable<OutputOf<TOOL> | AAuthConsentRequired>
      >
    : TOOL
  : TOOL;

export type WithAAuthOptions<MODE extends AAuthConsentMode> = Omit<AAuthToolOptions, 'mode'> & {
  /** Default `'wait'`. */
  mode?: MODE;
};

/**
 * `tool` with AAuth consent handling (and, for its body, a signed fetch in `options.fetch` and
 * `aauthFetch`). A tool without `execute` runs nowhere near this process and is returned as is.
 */
export function withAAuth<TOOL extends object, MODE extends AAuthConsentMode = 'wait'>(
  tool: TOOL,
  options: WithAAuthOptions<MODE>,
): WithAAuthTool<TOOL, MODE> {
  if (typeof tool !== 'object' || tool === null)
    throw new ConfigurationError('withAAuth: a tool is required');
  const normalized = normalizeOptions(options, 'withAAuth');
  const execute: unknown = (tool as { execute?: unknown }).execute;
  if (typeof execute !== 'function') return tool as WithAAuthTool<TOOL, MODE>;
  const ownNeedsApproval: unknown = (tool as { needsApproval?: unknown }).needsApproval;
  const wrapped = aauthExecute(
    (input, callOptions) => execute.call(tool, input, callOptions),
    normalized,
    ownNeedsApproval,
  );
  const built = {
    ...tool,
    execute: wrapped.execute,
    ...(wrapped.needsApproval === undefined ? {} : { needsApproval: wrapped.needsApproval }),
  };
  registerGate(built, wrapped.gate);
  return built as unknown as WithAAuthTool<TOOL, MODE>;
}

/** `withAAuth` for every tool of a tool set (e.g. `await mcpClient.tools()`). */
export function withAAuthTools<TOOLS extends Record<string, object>, MODE extends AAuthConsentMode = 'wait'>(
  tools: TOOLS,
  options: WithAAuthOptions<MODE>,
): { [NAME in keyof TOOLS]: WithAAuthTool<TOOLS[NAME], MODE> } {
  if (typeof tools !== 'object' || tools === null) {
    throw new ConfigurationError('withAAuthTools: a tool set is required');
  }
  normalizeOptions(options, 'withAAuthTools');
  return Object.fromEntries(
    Object.entries(tools).map(([name, tool]) => [name, withAAuth(tool, options)]),
  ) as { [NAME in keyof TOOLS]: WithAAuthTool<TOOLS[NAME], MODE> };
}
