/**
 * `withAAuth`: AAuth for a function tool that already exists. Its `execute` cannot be handed a fetch,
 * so it reaches the signed fetch through `aauthFetch` (scoped to the call). Its `invoke` already turned
 * errors into text through its own error function, so the consent errors the signed fetch raised
 * during the call decide the outcome (the tool's text for them would be the SDK's generic one).
 */
import { InvalidArgumentError } from '@aauth-kit/core';
import type { FunctionTool, RunContext } from '@openai/agents';
import { callContext, type ToolCallDetails, withConsentData } from './call.js';
import { describeAAuthError } from './describe.js';
import { isAAuthTool, registerRuntime } from './interruptions.js';
import { type AAuthToolSettings, resolveSettings } from './options.js';
import { ToolRuntime } from './runtime.js';

type AnyFunctionTool = FunctionTool<unknown, never, unknown>;

function isFunctionTool(value: unknown): value is AnyFunctionTool {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { type?: unknown; name?: unknown; invoke?: unknown; needsApproval?: unknown };
  return (
    candidate.type === 'function' &&
    typeof candidate.name === 'string' &&
    typeof candidate.invoke === 'function' &&
    typeof candidate.needsApproval === 'function'
  );
}

/**
 * Wraps an existing function tool so every request it makes through `aauthFetch` is signed by
 * `settings.client`, with consent handled per `settings.consent`. Returns a new tool; the original is
 * left as it was.
 */
export function withAAuth<T extends FunctionTool<never, never, unknown>>(
  existing: T,
  settings: AAuthToolSettings,
): T {
  if (!isFunctionTool(existing))
    throw new InvalidArgumentError('withAAuth expects a function tool (tool() from @openai/agents)');
  if (isAAuthTool(existing)) throw new InvalidArgumentError(`tool ${existing.name} already has AAuth`);
  const resolved = resolveSettings(settings);
  const runtime = new ToolRuntime(existing.name, resolved);
  const context = { toolName: existing.name, consent: resolved.consent };
  const innerInvoke = existing.invoke.bind(existing);

  const invoke = async (runContext: RunContext<unknown>, input: string, details?: ToolCallDetails) => {
    try {
      return await runtime.execute(
        input,
        callContext(existing.name, runContext, details),
        () => innerInvoke(runContext as RunContext<never>, input, details),
        true,
      );
    } catch (error) {
      // invoke must answer the model itself; only AAuth failures are ours to describe.
      if (existing.outputSchema !== undefined) {
        if (typeof existing.errorFunction === 'function')
          return existing.errorFunction(runContext as RunContext<never>, error, details);
        throw error;
      }
      const text = describeAAuthError(error, context);
      if (text === undefined) throw error;
      return text;
    }
  };

  const wrapped = Object.defineProperties({}, Object.getOwnPropertyDescriptors(existing)) as AnyFunctionTool;
  wrapped.invoke = invoke as AnyFunctionTool['invoke'];
  if (resolved.consent === 'approval') {
    const ownNeedsApproval = existing.needsApproval;
    wrapped.needsApproval = ((runContext: RunContext<unknown>, input: unknown, callId?: string) =>
      runtime.needsApproval(input, callId, () =>
        ownNeedsApproval(runContext as RunContext<never>, input as never, callId),
      )) as AnyFunctionTool['needsApproval'];
    wrapped.customDataExtractor = withConsentData(
      () => runtime,
      existing.customDataExtractor as Parameters<typeof withConsentData>[1],
    ) as AnyFunctionTool['customDataExtractor'];
  }
  registerRuntime(wrapped, runtime);
  return wrapped as unknown as T;
}
