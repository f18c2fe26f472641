/**
 * From a `RunToolApprovalItem` to the consent it waits on, in this process (the tool's memory) or in
 * another one (the consent records a RunState carries in tool outputs' `customData`).
 */
import type { RunToolApprovalItem } from '@openai/agents';
import { type PendingToolConsent, readSerializedConsent } from './consents.js';
import type { ToolRuntime } from './runtime.js';

const runtimes = new WeakMap<object, ToolRuntime>();

/** Links a tool object to its runtime (so an interruption's agent leads back to it). */
export function registerRuntime(tool: object, runtime: ToolRuntime): void {
  runtimes.set(tool, runtime);
}

export function isAAuthTool(tool: unknown): boolean {
  return typeof tool === 'object' && tool !== null && runtimes.has(tool);
}

function toolsOf(agent: unknown): unknown[] {
  if (typeof agent !== 'object' || agent === null) return [];
  const tools = (agent as { tools?: unknown }).tools;
  return Array.isArray(tools) ? tools : [];
}

function runtimeIn(agent: unknown, toolName: string | undefined): ToolRuntime | undefined {
  if (toolName === undefined) return undefined;
  for (const tool of toolsOf(agent)) {
    if (typeof tool !== 'object' || tool === null) continue;
    if ((tool as { name?: unknown }).name !== toolName) continue;
    const runtime = runtimes.get(tool);
    if (runtime !== undefined) return runtime;
  }
  return undefined;
}

function callIdOf(item: RunToolApprovalItem): string | undefined {
  const callId = (item.rawItem as { callId?: unknown }).callId;
  return typeof callId === 'string' ? callId : undefined;
}

function agentName(agent: unknown): string | undefined {
  const name = typeof agent === 'object' && agent !== null ? (agent as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** What `restoreConsents` needs from a RunState (any `RunState<Context, Agent>` fits). */
export interface RestorableRunState {
  getInterruptions(): RunToolApprovalItem[];
  toJSON(): { generatedItems: readonly unknown[] };
}

/**
 * The consent an interruption of an AAuth tool waits on: the link to show the person, and the
 * serializable `pending` handle. `undefined` for interruptions that are not about consent. Pass the
 * `state` after `RunState.fromString` in a new process (the consents are restored from it first).
 */
export function pendingConsentFor(
  interruption: RunToolApprovalItem,
  state?: RestorableRunState,
): PendingToolConsent | undefined {
  if (state !== undefined) restoreConsents(state);
  const runtime = runtimeIn(interruption.agent, interruption.toolName ?? interruption.name);
  return runtime?.pendingFor(callIdOf(interruption), interruption.arguments);
}

/**
 * After `RunState.fromString` in a new process: gives the AAuth tools of the state's agents back the
 * consents their calls met (so approving the interruptions resumes those consents instead of asking
 * the person again) and returns the consent of each interruption that waits on one.
 */
export function restoreConsents(state: RestorableRunState): PendingToolConsent[] {
  const interruptions = state.getInterruptions();
  const agents = new Map<string | undefined, unknown>();
  for (const item of interruptions) agents.set(agentName(item.agent), item.agent);
  for (const item of state.toJSON().generatedItems) {
    if (typeof item !== 'object' || item === null) continue;
    const saved = readSerializedConsent((item as { customData?: unknown }).customData);
    if (saved === undefined) continue;
    const owner = agentName((item as { agent?: unknown }).agent);
    const candidates = agents.has(owner) ? [agents.get(owner)] : [...agents.values()];
    for (const agent of candidates) runtimeIn(agent, saved.tool)?.adopt(saved);
  }
  const handles: PendingToolConsent[] = [];
  for (const item of interruptions) {
    const runtime = runtimeIn(item.agent, item.toolName ?? item.name);
    const handle = runtime?.pendingFor(callIdOf(item), item.arguments);
    if (handle !== undefined) handles.push(handle);
  }
  return handles;
}
