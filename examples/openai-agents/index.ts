/**
 * An OpenAI Agents SDK agent whose every tool request is AAuth-signed, against the dev server's sample
 * documents API: listing documents works at once (agent token); writing a summary needs the person's
 * consent, which pauses the run with an approval interruption. The paused run is saved and restored
 * (as a server would across requests), the person approves, and the run resumes where it stopped.
 *
 *   pnpm --filter @aauth-kit/example-openai-agents start
 *
 * Without OPENAI_API_KEY the agent runs on the SDK's ScriptedModel; with it, on a real model
 * (OPENAI_MODEL, default gpt-4.1-mini). In a terminal you approve on the consent page yourself;
 * otherwise the dev server's simulated person approves.
 */
import { createInterface } from 'node:readline/promises';
import { type AAuthClient, createAAuthClient, generateKeyPair } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { aauthTool, pendingConsentFor, restoreConsents } from '@aauth-kit/openai-agents';
import { Agent, type Model, RunState, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';

export interface ExampleResult {
  /** Tool outputs the model received, in order: `[tool name, output]`. */
  toolOutputs: [string, string][];
  /** The consent link the person was sent to. */
  consentUrl: string | undefined;
  finalOutput: string | undefined;
}

/** A consent the person has to decide on. */
export interface ConsentToDecide {
  resource: string;
  scope: string[];
  /** The consent page with its code; absent for an approval-only consent. */
  url: string | undefined;
  code: string | undefined;
}

export interface ExampleOptions {
  log?: (line: string) => void;
  /** Ask the person in the terminal instead of letting the simulated person approve. */
  interactive?: boolean;
  /** Run against this dev server (left running) instead of starting one. */
  devServer?: DevServer;
  /** Transport of the agent's AAuth client (default: the dev server's routing fetch). */
  fetch?: typeof fetch;
  /**
   * How the person decides; resolves once they have (default: the terminal prompt when interactive,
   * else the dev server's simulated person). `client` is the agent's, to wait on the decision.
   */
  decide?: (consent: ConsentToDecide, client: AAuthClient) => Promise<void>;
}

/** The scripted conversation: list, try to summarize (consent needed), call again, answer. */
function scriptedModel(): ScriptedModel {
  return new ScriptedModel([
    [functionCall('list_documents', {}, { callId: 'call_list' })],
    [functionCall('summarize_document', { id: '1' }, { callId: 'call_summary_1' })],
    [functionCall('summarize_document', { id: '1' }, { callId: 'call_summary_2' })],
    [assistantMessage('I saved a summary of the quarterly report.')],
  ]);
}

export async function main(options: ExampleOptions = {}): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const useRealModel = process.env.OPENAI_API_KEY !== undefined && process.env.OPENAI_API_KEY !== '';
  if (!useRealModel) setTracingDisabled(true);

  // 1. The dev server: Agent Provider, Person Server (with consent page) and the sample resource.
  const dev = options.devServer ?? (await startDevServer());
  try {
    // 2. The agent's key, registered at the Agent Provider, and the AAuth client.
    const key = await generateKeyPair();
    const { agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
    const client = createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true,
      fetch: options.fetch ?? dev.fetch,
    });
    const api = dev.urls.resource;

    // 3. Tools: execute gets the call's signed fetch. The write pauses the run for consent ('approval').
    const listDocuments = aauthTool({
      name: 'list_documents',
      description: 'List the documents of the user',
      parameters: z.object({}),
      client,
      execute: async (_input, _context, { fetch }) => (await fetch(`${api}/documents`)).text(),
    });
    const summarizeDocument = aauthTool({
      name: 'summarize_document',
      description: 'Write and save a summary of one document',
      parameters: z.object({ id: z.string() }),
      client,
      consent: 'approval',
      execute: async ({ id }, _context, { fetch }) => {
        const response = await fetch(`${api}/documents/${encodeURIComponent(id)}/summary`, {
          method: 'POST',
        });
        return response.text();
      },
    });

    const model: Model | string = useRealModel
      ? (process.env.OPENAI_MODEL ?? 'gpt-4.1-mini')
      : scriptedModel();
    const agent = new Agent({
      name: 'documents',
      instructions:
        'You help with the user documents. When a tool says consent is required, call it again with the same arguments.',
      model,
      tools: [listDocuments, summarizeDocument],
    });

    const toolOutputs: [string, string][] = [];
    const seen = new Set<string>();
    // A resumed run reports the run's items from its start: log each tool output once.
    const collect = (items: readonly unknown[]): void => {
      for (const item of items) {
        const output = item as {
          type?: string;
          rawItem?: { name?: string; callId?: string };
          output?: unknown;
        };
        if (output.type !== 'tool_call_output_item') continue;
        const callId = output.rawItem?.callId ?? '';
        if (seen.has(callId)) continue;
        seen.add(callId);
        const text = String(output.output);
        toolOutputs.push([output.rawItem?.name ?? '?', text]);
        log(`tool ${output.rawItem?.name}: ${text}`);
      }
    };

    // 4. Run until the write pauses for consent.
    let result = await run(agent, 'List my documents, then save a summary of document 1.');
    collect(result.newItems);
    let consentUrl: string | undefined;
    for (let round = 0; result.interruptions.length > 0 && round < 3; round++) {
      // 5. Persist the paused run (a server would store this string), then restore it.
      const saved = result.state.toString();
      const state = await RunState.fromString<undefined, typeof agent>(agent, saved);
      restoreConsents(state);

      for (const item of state.getInterruptions()) {
        const consent = pendingConsentFor(item);
        if (consent === undefined) {
          state.reject(item, { message: 'Not approved.' });
          continue;
        }
        consentUrl = consent.interactionUrl;
        log(`consent needed for ${consent.resource} (${consent.scope.join(' ')}): ${consent.interactionUrl}`);
        // 6. The person decides at the Person Server; the app then lets the call go on.
        if (options.decide !== undefined) {
          const { resource, scope, interactionUrl: url, code } = consent;
          await options.decide({ resource, scope, url, code }, client);
        } else if (options.interactive) {
          const prompt = createInterface({ input: process.stdin, output: process.stdout });
          await prompt.question('Open the link, approve, then press Enter… ');
          prompt.close();
        } else {
          await dev.simulatedUser.approve(consent.code ?? consent.interactionUrl ?? '');
          log('the simulated person approved');
        }
        state.approve(item);
      }
      result = await run(agent, state);
      collect(result.newItems);
    }
    log(`agent: ${String(result.finalOutput)}`);
    return { toolOutputs, consentUrl, finalOutput: result.finalOutput };
  } finally {
    if (options.devServer === undefined) await dev.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main({ interactive: process.stdin.isTTY === true });
}
