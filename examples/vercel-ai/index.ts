/**
 * A Vercel AI SDK agent whose tools call the dev server's sample documents API with AAuth-signed
 * requests: listing documents works at once (agent token); writing a summary needs the person's
 * consent. Two ways to pause for it, both from @aauth-kit/ai-sdk:
 *   stream    (default) streamText; the write's preliminary tool result carries the consent URL and
 *             the tool polls until the person decides, then its final result reaches the model;
 *   approval  generateText stops with a tool-approval-request naming the consent; after the person
 *             consents, the app answers with a tool-approval-response and calls generateText again.
 * The person approves in your browser when run in a terminal, else the dev server's simulated person does.
 *
 *   pnpm --filter @aauth-kit/example-vercel-ai start            # stream mode
 *   pnpm --filter @aauth-kit/example-vercel-ai start:approval   # approval mode
 *
 * Without OPENAI_API_KEY the model is the AI SDK's own MockLanguageModelV3 with scripted tool calls;
 * with it, OpenAI's gpt-4.1-mini through @ai-sdk/openai.
 */
import { createInterface } from 'node:readline/promises';
import {
  type AAuthConsentMode,
  type AAuthConsentRequired,
  aauthConsentFor,
  aauthTool,
  isAAuthConsentRequired,
} from '@aauth-kit/ai-sdk';
import { type AAuthClient, createAAuthClient, generateKeyPair, TimeoutError } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { generateText, type LanguageModel, type ModelMessage, stepCountIs, streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

/** A consent the person has to decide on. */
export interface ConsentToDecide {
  resource: string;
  scope: string[];
  /** The consent page with its code; absent for an approval-only consent. */
  url: string | undefined;
  code: string | undefined;
}

export interface ExampleOptions {
  /** How the write pauses for consent (default `stream`). */
  mode?: Extract<AAuthConsentMode, 'stream' | 'approval'>;
  log?: (line: string) => void;
  /** Let the human at the terminal approve in a browser. Default: only when run in a TTY. */
  interactive?: boolean;
  /** Run against this dev server (left running) instead of starting one. */
  devServer?: DevServer;
  /** Transport of the agent's AAuth client (default: the global fetch). */
  fetch?: typeof fetch;
  /**
   * How the person decides; resolves once they have (default: the terminal prompt when interactive,
   * else the dev server's simulated person). `client` is the agent's, to wait on the decision.
   */
  decide?: (consent: ConsentToDecide, client: AAuthClient) => Promise<void>;
}

export interface ExampleResult {
  /** The consents the run paused for. */
  consents: AAuthConsentRequired[];
  /** What list_documents returned to the model. */
  listed: unknown;
  /** What summarize_document returned to the model. */
  written: unknown;
  /** The model's closing answer. */
  answer: string;
  /** The summaries the resource now holds for document 1 (read back after the run). */
  summaries: { id: string; text: string }[];
}

const PROMPT = 'List my documents, then write a summary of document 1.';
const ANSWER = 'Your documents are listed and document 1 now has a summary.';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

function streamOf<T>(parts: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** The scripted model: the two tool calls a real model would make, then its answer. */
function scriptedModel(): LanguageModel {
  const calls = [
    { toolCallId: 'call_list', toolName: 'list_documents', input: '{}' },
    { toolCallId: 'call_summary', toolName: 'summarize_document', input: '{"id":"1"}' },
  ];
  const toolTurn = (call: (typeof calls)[number]) => ({
    content: [{ type: 'tool-call' as const, ...call }],
    finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
    usage,
    warnings: [],
  });
  const streamedToolTurn = (call: (typeof calls)[number]) => ({
    stream: streamOf([
      { type: 'stream-start' as const, warnings: [] },
      { type: 'tool-call' as const, ...call },
      { type: 'finish' as const, finishReason: { unified: 'tool-calls' as const, raw: undefined }, usage },
    ]),
  });
  return new MockLanguageModelV3({
    doGenerate: [
      ...calls.map(toolTurn),
      {
        content: [{ type: 'text', text: ANSWER }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
      },
    ],
    doStream: [
      ...calls.map(streamedToolTurn),
      {
        stream: streamOf([
          { type: 'stream-start' as const, warnings: [] },
          { type: 'text-start' as const, id: 'answer' },
          { type: 'text-delta' as const, id: 'answer', delta: ANSWER },
          { type: 'text-end' as const, id: 'answer' },
          { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage },
        ]),
      },
    ],
  });
}

async function chooseModel(): Promise<LanguageModel> {
  if (!process.env.OPENAI_API_KEY) return scriptedModel();
  // Loaded only when a key is set, so the scripted run does not import the provider.
  const { openai } = await import('@ai-sdk/openai');
  return openai('gpt-4.1-mini');
}

/** The person decides: in a browser (interactive), or the dev server's simulated person approves. */
async function letThePersonDecide(
  consent: AAuthConsentRequired,
  dev: DevServer,
  interactive: boolean,
  log: (line: string) => void,
): Promise<void> {
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    await rl.question('Open the link, approve, then press Enter… ');
    rl.close();
    return;
  }
  await dev.simulatedUser.approve(consent.code ?? consent.interactionUrl ?? '');
  log('(the simulated person approved)');
}

export async function main(options: ExampleOptions = {}): Promise<ExampleResult> {
  const mode = options.mode ?? 'stream';
  const log = options.log ?? console.log;
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const dev = options.devServer ?? (await startDevServer());
  // The person decides (options.decide), else the terminal prompt or the simulated person.
  const decide = async (consent: AAuthConsentRequired, client: AAuthClient): Promise<void> => {
    log(
      `consent needed for ${consent.resource} (${consent.scope.join(' ')}): ${consent.interactionUrl ?? 'approval'}`,
    );
    if (options.decide === undefined) return letThePersonDecide(consent, dev, interactive, log);
    const { resource, scope, interactionUrl: url, code } = consent;
    await options.decide({ resource, scope, url, code }, client);
  };
  try {
    // 1. The agent's key, registered at the dev Agent Provider. consent: 'throw' lets the tools pause.
    const key = await generateKeyPair();
    const { agentId, agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk, local: 'vercel-ai' });
    const client = createAAuthClient({
      signer: key.signer,
      agentToken,
      consent: 'throw',
      development: true,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    log(`agent ${agentId}; resource ${dev.urls.resource}; mode ${mode}`);

    // 2. Tools: `execute` gets a signed fetch; consent pauses the way `mode` says.
    const api = dev.urls.resource;
    const tools = {
      list_documents: aauthTool({
        client,
        mode,
        description: "List the user's documents (id and title).",
        inputSchema: z.object({}),
        execute: async (_input, { fetch }) => (await fetch(`${api}/documents`)).json() as Promise<unknown>,
      }),
      summarize_document: aauthTool({
        client,
        mode,
        description: 'Write a summary of one document and store it with the document.',
        inputSchema: z.object({ id: z.string().describe('document id') }),
        execute: async ({ id }, { fetch }) => {
          const response = await fetch(`${api}/documents/${encodeURIComponent(id)}/summary`, {
            method: 'POST',
          });
          return { status: response.status, body: (await response.json()) as unknown };
        },
      }),
    };
    const model = await chooseModel();
    const stopWhen = stepCountIs(6);
    const consents: AAuthConsentRequired[] = [];
    const results = new Map<string, unknown>();
    let answer = '';

    if (mode === 'stream') {
      // 3a. One streamed turn: the consent URL arrives as a preliminary tool result.
      const result = streamText({ model, tools, prompt: PROMPT, stopWhen });
      for await (const part of result.fullStream) {
        if (part.type === 'tool-call') log(`→ ${part.toolName}(${JSON.stringify(part.input)})`);
        else if (part.type === 'tool-result' && isAAuthConsentRequired(part.output)) {
          consents.push(part.output);
          await decide(part.output, client);
        } else if (part.type === 'tool-result' && part.preliminary !== true) {
          results.set(part.toolName, part.output);
          log(`← ${part.toolName}: ${JSON.stringify(part.output)}`);
        } else if (part.type === 'tool-error') log(`× ${part.toolName}: ${String(part.error)}`);
        else if (part.type === 'text-delta') answer += part.text;
      }
    } else {
      // 3b. Approval: each turn stops at the approval requests; answer them and call again.
      const messages: ModelMessage[] = [{ role: 'user', content: PROMPT }];
      for (let turns = 0; ; turns++) {
        if (turns >= 5) throw new TimeoutError('still waiting for approvals after 5 turns');
        const result = await generateText({ model, tools, messages, stopWhen });
        // What the model was given: the tool results in this turn's messages (approved calls included).
        for (const message of result.response.messages) {
          if (message.role !== 'tool') continue;
          for (const part of message.content) {
            if (part.type !== 'tool-result') continue;
            const output = part.output.type === 'json' ? part.output.value : part.output;
            results.set(part.toolName, output);
            log(`← ${part.toolName}: ${JSON.stringify(output)}`);
          }
        }
        const requests = result.content.flatMap((part) =>
          part.type === 'tool-approval-request' ? [part] : [],
        );
        if (requests.length === 0) {
          answer = result.text;
          break;
        }
        for (const request of requests) {
          const consent = aauthConsentFor(tools, request);
          if (consent !== undefined && !consents.some((seen) => seen.pendingId === consent.pendingId)) {
            consents.push(consent);
            await decide(consent, client);
          }
        }
        messages.push(...result.response.messages, {
          role: 'tool',
          content: requests.map((request) => ({
            type: 'tool-approval-response' as const,
            approvalId: request.approvalId,
            approved: true,
          })),
        });
      }
    }
    log(`model: ${answer}`);

    const document = (await (await client.fetch(`${api}/documents/1`)).json()) as {
      summaries: { id: string; text: string }[];
    };
    return {
      consents,
      listed: results.get('list_documents'),
      written: results.get('summarize_document'),
      answer,
      summaries: document.summaries,
    };
  } finally {
    if (options.devServer === undefined) await dev.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main({ mode: process.argv[2] === 'approval' ? 'approval' : 'stream' });
}
