/** Per-call plumbing shared by `aauthTool` and `withAAuth`. */
import type {
  FunctionTool,
  FunctionToolCustomDataContext,
  RunContext,
  ToolOutputCustomData,
} from '@openai/agents';
import type { CallContext, ToolRuntime } from './runtime.js';

/** The SDK's per-call details (`execute`'s third argument). */
export type ToolCallDetails = NonNullable<Parameters<FunctionTool['invoke']>[2]>;

export type LooseRunContext = RunContext<unknown>;

export type CustomDataExtractor = (
  context: FunctionToolCustomDataContext,
) => ToolOutputCustomData | null | undefined | Promise<ToolOutputCustomData | null | undefined>;

/** The call a runtime handles, from the SDK's arguments. */
export function callContext(
  toolName: string,
  runContext: LooseRunContext | undefined,
  details: ToolCallDetails | undefined,
): CallContext {
  return { toolName, callId: details?.toolCall?.callId, runContext, signal: details?.signal };
}

/** Merges the adapter's customData (the consent a call met) into the tool's own. */
export function withConsentData(runtime: () => ToolRuntime, own: CustomDataExtractor | undefined) {
  return async (context: FunctionToolCustomDataContext): Promise<ToolOutputCustomData | undefined> => {
    const theirs = own === undefined ? undefined : await own(context);
    const ours = runtime().customData(context.toolCall.callId);
    if (ours === undefined) return theirs ?? undefined;
    return { ...(theirs ?? {}), ...ours };
  };
}
