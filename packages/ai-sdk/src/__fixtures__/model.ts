/**
 * Scripted model turns for the AI SDK's own mock models (`MockLanguageModelV3` from `ai/test`,
 * `MockLanguageModelV4` from `ai7/test`): the V3 and V4 result shapes are the same for what we use.
 */

export const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

export interface ScriptedCall {
  id: string;
  tool: string;
  input: unknown;
}

/** A turn in which the model calls tools (several calls = parallel calls in one step). */
export function toolCalls(...calls: ScriptedCall[]) {
  return {
    content: calls.map((call) => ({
      type: 'tool-call' as const,
      toolCallId: call.id,
      toolName: call.tool,
      input: JSON.stringify(call.input),
    })),
    finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
    usage,
    warnings: [],
  };
}

/** A turn in which the model answers with text and stops. */
export function text(value: string) {
  return {
    content: [{ type: 'text' as const, text: value }],
    finishReason: { unified: 'stop' as const, raw: 'stop' },
    usage,
    warnings: [],
  };
}

function streamOf<T>(parts: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** `toolCalls` as a streamed turn. */
export function streamedToolCalls(...calls: ScriptedCall[]) {
  return {
    stream: streamOf([
      { type: 'stream-start' as const, warnings: [] },
      ...calls.map((call) => ({
        type: 'tool-call' as const,
        toolCallId: call.id,
        toolName: call.tool,
        input: JSON.stringify(call.input),
      })),
      { type: 'finish' as const, finishReason: { unified: 'tool-calls' as const, raw: undefined }, usage },
    ]),
  };
}

/** `text` as a streamed turn. */
export function streamedText(value: string) {
  return {
    stream: streamOf([
      { type: 'stream-start' as const, warnings: [] },
      { type: 'text-start' as const, id: 't1' },
      { type: 'text-delta' as const, id: 't1', delta: value },
      { type: 'text-end' as const, id: 't1' },
      { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage },
    ]),
  };
}

/** The tool results the model received in a prompt (`model.doGenerateCalls[i].prompt`). */
export function toolResultsIn(prompt: readonly unknown[]): { toolCallId: string; output: unknown }[] {
  const results: { toolCallId: string; output: unknown }[] = [];
  for (const message of prompt) {
    const { role, content } = message as { role: string; content: unknown };
    if (role !== 'tool' || !Array.isArray(content)) continue;
    for (const part of content as { type: string; toolCallId: string; output: unknown }[]) {
      if (part.type === 'tool-result') results.push({ toolCallId: part.toolCallId, output: part.output });
    }
  }
  return results;
}
