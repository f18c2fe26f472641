/** Helpers for reading what the scripted model was sent. */
import type { ScriptedModel } from '@openai/agents/testing';

/** The tool outputs (by call id, as text) in the input of the model's `index`-th call. */
export function toolOutputsSeen(model: ScriptedModel, index: number): Map<string, string> {
  const call = model.calls[index];
  if (call === undefined)
    throw new RangeError(`the model was called ${model.calls.length} times, not ${index + 1}`);
  const input = call.request.input;
  const outputs = new Map<string, string>();
  if (typeof input === 'string') return outputs;
  for (const item of input) {
    if (item.type !== 'function_call_result') continue;
    const output = item.output;
    const text =
      typeof output === 'string'
        ? output
        : Array.isArray(output)
          ? output.map((part) => ('text' in part ? part.text : '')).join('')
          : 'text' in output
            ? output.text
            : JSON.stringify(output);
    outputs.set(item.callId, text);
  }
  return outputs;
}

export function outputSeen(model: ScriptedModel, index: number, callId: string): string {
  const output = toolOutputsSeen(model, index).get(callId);
  if (output === undefined) throw new RangeError(`model call ${index} saw no output for ${callId}`);
  return output;
}
