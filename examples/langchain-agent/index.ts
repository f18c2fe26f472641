/**
 * A LangChain agent (createAgent) whose tools call the dev server's sample documents API through
 * `aauthFetch`: listing documents works at once (agent token), writing a summary needs the person's
 * consent, which pauses the run with a LangGraph interrupt carrying the consent URL. The person
 * approves (in your browser when run in a terminal, else the dev server's simulated person) and the
 * run resumes with `new Command({ resume: { approved: true } })`.
 *
 *   pnpm --filter @aauth-kit/example-langchain-agent start
 *
 * Without OPENAI_API_KEY the model is LangChain's scripted `fakeModel()`; with it, a real OpenAI model
 * through `initChatModel` (@langchain/openai is a dependency of this example).
 */
import { createInterface } from 'node:readline/promises';
import { type AAuthClient, createAAuthClient, generateKeyPair, TimeoutError } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import {
  type AAuthInterruptValue,
  aauthFetch,
  aauthMiddleware,
  getAAuthInterrupts,
} from '@aauth-kit/langchain';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { tool } from '@langchain/core/tools';
import { Command, MemorySaver } from '@langchain/langgraph';
import { createAgent, initChatModel } from 'langchain';
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
  log?: (line: string) => void;
  /** Ask the human at the terminal (open the URL, press Enter). Default: only when run in a TTY. */
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
  /** Consents the run paused for (one per distinct consent). */
  consents: AAuthInterruptValue[];
  /** What the list tool returned to the model. */
  listed: string;
  /** What the summary tool returned to the model. */
  written: string;
  /** The agent's last message. */
  answer: string;
  /** Summaries the resource now holds for document 1 (read back after the run). */
  summaries: { id: string; text: string }[];
}

const PROMPT = 'List my documents, then write a summary of document 1.';

async function chooseModel(): Promise<BaseChatModel> {
  if (process.env.OPENAI_API_KEY) return (await initChatModel('openai:gpt-4.1-mini')) as BaseChatModel;
  // The scripted model: the tool calls a real model would make, then a closing answer.
  return fakeModel()
    .respondWithTools([{ name: 'list_documents', args: {}, id: 'call_list' }])
    .respondWithTools([{ name: 'summarize_document', args: { id: '1' }, id: 'call_summary' }])
    .respond(new AIMessage('Your documents are listed and document 1 now has a summary.'));
}

export async function main(options: ExampleOptions = {}): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const dev = options.devServer ?? (await startDevServer());
  try {
    // 1. The agent's key, registered at the dev Agent Provider. The client keeps the default consent
    //    mode: the adapter pauses through its withConsent('throw') view whatever mode the client has.
    const key = await generateKeyPair();
    const { agentId, agentToken } = await dev.registerAgent({
      publicJwk: key.publicJwk,
      local: 'langchain-example',
    });
    const client = createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    log(`agent ${agentId}; resource ${dev.urls.resource}`);

    // 2. Tools written against a plain fetch signature: aauthFetch signs inside the agent's tool calls.
    const api = dev.urls.resource;
    const listDocuments = tool(async () => (await aauthFetch(`${api}/documents`)).text(), {
      name: 'list_documents',
      description: "List the user's documents (id and title).",
      schema: z.object({}),
    });
    const summarizeDocument = tool(
      async ({ id }) => {
        const response = await aauthFetch(`${api}/documents/${encodeURIComponent(id)}/summary`, {
          method: 'POST',
        });
        return `${response.status} ${await response.text()}`;
      },
      {
        name: 'summarize_document',
        description: 'Write a summary of one document and store it with the document.',
        schema: z.object({ id: z.string().describe('document id') }),
      },
    );

    // 3. The agent: the middleware scopes the client around every tool call and pauses on consent.
    const agent = createAgent({
      model: await chooseModel(),
      tools: [listDocuments, summarizeDocument],
      middleware: [aauthMiddleware({ client })],
      checkpointer: new MemorySaver(),
    });
    const config = { configurable: { thread_id: 'example' } };

    let result = await agent.invoke({ messages: [{ role: 'user', content: PROMPT }] }, config);
    const consents: AAuthInterruptValue[] = [];
    for (let pauses = 0; ; pauses++) {
      const asked = getAAuthInterrupts(result.__interrupt__);
      if (asked.length === 0) break;
      if (pauses >= 10) throw new TimeoutError('consent still pending after 10 resumes');
      for (const consent of asked) {
        // A consent already decided on paused again only because its resume came too soon: resume again.
        if (consents.some((c) => c.pendingId === consent.pendingId)) continue;
        consents.push(consent);
        const link = consent.interactionUrl;
        log(`consent needed for ${consent.resource} (${consent.scope.join(' ')}): ${link ?? 'approval'}`);
        if (options.decide !== undefined) {
          await options.decide(
            { resource: consent.resource, scope: consent.scope, url: link, code: consent.code },
            client,
          );
        } else if (interactive) {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          await rl.question('Open the link, approve, then press Enter… ');
          rl.close();
        } else {
          await dev.simulatedUser.approve(consent.code ?? link ?? '');
          log('(the simulated person approved)');
        }
        // Wait until the Person Server confirms the decision, so the resumed tool call finds the token.
        const pending = client.pendingConsent(consent.resource);
        if (pending !== undefined) await client.waitForConsent(pending);
      }
      // Resuming re-runs the paused tool calls; still pending → they pause again and we loop.
      result = await agent.invoke(new Command({ resume: { approved: true } }), config);
    }

    const toolText = (name: string) =>
      String(result.messages.find((m) => m.getType() === 'tool' && m.name === name)?.content ?? '');
    const answer = String(result.messages.at(-1)?.content ?? '');
    log(`list_documents → ${toolText('list_documents')}`);
    log(`summarize_document → ${toolText('summarize_document')}`);
    log(`agent: ${answer}`);

    const document = (await (await client.fetch(`${api}/documents/1`)).json()) as {
      summaries: { id: string; text: string }[];
    };
    return {
      consents,
      listed: toolText('list_documents'),
      written: toolText('summarize_document'),
      answer,
      summaries: document.summaries,
    };
  } finally {
    if (options.devServer === undefined) await dev.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
