/**
 * `aauthTool`: the SDK's `tool()` with AAuth. Same options, plus the adapter settings; `execute` gets
 * the call's signed fetch in its third argument (`details.fetch`), and `aauthFetch` works anywhere
 * below it. Consent is handled per `consent` mode, and the model reads what happened instead of the
 * SDK's generic error text.
 */
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';
import {
  type FunctionTool,
  type RunContext,
  type ToolExecuteArgument,
  type ToolInputParameters,
  type ToolOptions,
  type ToolOutputSchema,
  tool,
  type UnknownContext,
} from '@openai/agents';
import {
  type CustomDataExtractor,
  callContext,
  type LooseRunContext,
  type ToolCallDetails,
  withConsentData,
} from './call.js';
import { DEFAULT_TOOL_ERROR_TEXT, describeAAuthError } from './describe.js';
import { registerRuntime } from './interruptions.js';
import { type AAuthToolSettings, resolveSettings } from './options.js';
import { ToolRuntime } from './runtime.js';
import type { AAuthFetch } from './scope.js';

/** `execute`'s third argument under AAuth: the SDK's details plus the call's signed fetch. */
export type AAuthToolCallDetails = ToolCallDetails & {
  /** Signed fetch for this call (aborted with it). */
  fetch: AAuthFetch;
  client: AAuthClient;
};

export type AAuthToolExecute<TParameters extends ToolInputParameters, Context> = (
  input: ToolExecuteArgument<TParameters>,
  runContext: RunContext<Context> | undefined,
  details: AAuthToolCallDetails,
) => unknown;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** `tool()` options (execute receiving the signed fetch) plus the adapter settings. */
export type AAuthToolOptions<
  TParameters extends ToolInputParameters = undefined,
  Context = UnknownContext,
  TOutputSchema extends ToolOutputSchema | undefined = undefined,
> = DistributiveOmit<ToolOptions<TParameters, Context, TOutputSchema>, 'execute'> &
  AAuthToolSettings & { execute: AAuthToolExecute<TParameters, Context> };

type ErrorFunction = (runContext: LooseRunContext, error: unknown, details?: ToolCallDetails) => unknown;

/** The options as the implementation sees them (the public type is checked at the call site). */
interface LooseOptions extends AAuthToolSettings {
  name?: string;
  parameters?: unknown;
  outputSchema?: unknown;
  execute: (
    input: unknown,
    runContext: LooseRunContext | undefined,
    details: AAuthToolCallDetails,
  ) => unknown;
  needsApproval?:
    | boolean
    | ((runContext: LooseRunContext, input: unknown, callId?: string) => Promise<boolean>);
  errorFunction?: ErrorFunction | null;
  customDataExtractor?: CustomDataExtractor;
}

/** The tool's own approval policy as a function. */
function ownPolicy(
  needsApproval: LooseOptions['needsApproval'],
  runContext: LooseRunContext,
  input: unknown,
  callId: string | undefined,
): Promise<boolean> {
  if (typeof needsApproval === 'function') return needsApproval(runContext, input, callId);
  return Promise.resolve(needsApproval === true);
}

export function aauthTool<
  TParameters extends ToolInputParameters = undefined,
  Context = UnknownContext,
  TOutputSchema extends ToolOutputSchema | undefined = undefined,
>(options: AAuthToolOptions<TParameters, Context, TOutputSchema>): FunctionTool<Context, TParameters> {
  const loose = options as unknown as LooseOptions;
  if (typeof loose !== 'object' || loose === null)
    throw new ConfigurationError('aauthTool options are required');
  const {
    client,
    consent,
    onInteraction,
    resumeTimeoutMs,
    execute,
    needsApproval,
    errorFunction,
    customDataExtractor,
    ...toolOptions
  } = loose;
  const settings = resolveSettings({
    client,
    ...(consent === undefined ? {} : { consent }),
    ...(onInteraction === undefined ? {} : { onInteraction }),
    ...(resumeTimeoutMs === undefined ? {} : { resumeTimeoutMs }),
  });
  if (typeof execute !== 'function') throw new ConfigurationError('execute must be a function');
  const approval = settings.consent === 'approval';
  if (approval && toolOptions.parameters === undefined) {
    // The SDK asks for manual approval of every call of a tool without object parameters once its
    // approval policy is dynamic, so approval mode needs parameters.
    throw new ConfigurationError("consent: 'approval' needs object parameters (a zod object or JSON schema)");
  }

  let bound: ToolRuntime | undefined;
  const runtime = (): ToolRuntime => {
    if (bound === undefined) throw new ConfigurationError('the AAuth tool was used before it was created');
    return bound;
  };
  const toolName = (): string => runtime().toolName;

  const sdkOptions: Record<string, unknown> = {
    ...toolOptions,
    execute: (input: unknown, runContext: LooseRunContext | undefined, details?: ToolCallDetails) =>
      runtime().execute(
        input,
        callContext(toolName(), runContext, details),
        async (signedFetch) =>
          execute(input, runContext, { ...details, fetch: signedFetch, client: settings.client }),
        false,
      ),
  };
  if (approval) {
    sdkOptions.needsApproval = (runContext: LooseRunContext, input: unknown, callId?: string) =>
      runtime().needsApproval(input, callId, () => ownPolicy(needsApproval, runContext, input, callId));
    sdkOptions.customDataExtractor = withConsentData(runtime, customDataExtractor);
  } else {
    if (needsApproval !== undefined) sdkOptions.needsApproval = needsApproval;
    if (customDataExtractor !== undefined) sdkOptions.customDataExtractor = customDataExtractor;
  }
  if (errorFunction === null || toolOptions.outputSchema !== undefined) {
    // null: the caller wants errors to propagate. With an output schema only the caller's own function
    // can produce a valid fallback (describeAAuthError helps it).
    if (errorFunction !== undefined) sdkOptions.errorFunction = errorFunction;
  } else {
    sdkOptions.errorFunction = (runContext: LooseRunContext, error: unknown, details?: ToolCallDetails) =>
      describeAAuthError(error, { toolName: toolName(), consent: settings.consent }) ??
      (errorFunction === undefined ? DEFAULT_TOOL_ERROR_TEXT : errorFunction(runContext, error, details));
  }

  const created = tool(sdkOptions as unknown as Parameters<typeof tool>[0]);
  bound = new ToolRuntime(created.name, settings);
  registerRuntime(created, bound);
  return created as unknown as FunctionTool<Context, TParameters>;
}
