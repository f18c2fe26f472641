/**
 * The three modes with a client created in the DEFAULT consent mode (`'wait'`), which is what most
 * applications create: the tools call through the client's `withConsent('throw')` view, so the consent
 * still reaches the tool's mode (wait with `onConsent`, a preliminary result, an approval request).
 * Also `createAAuthFetch` on such a client for `@ai-sdk/mcp`: inside a wrapped MCP tool call the
 * consent reaches the tool; outside one the client keeps its own mode.
 */

import type { AAuthClient, Interaction } from '@aauth-kit/core';
import { createMCPClient, type MCPClient } from '@ai-sdk/mcp';
import { generateText, type ModelMessage, stepCountIs, streamText, type ToolSet } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DOCUMENTS_WRITE_SCOPE,
  type DocumentsMcpServer,
  startDocumentsMcpServer,
  summaryOf,
} from '../../mcp/src/__fixtures__/documents-mcp-server.js';
import { streamedText, streamedToolCalls, text, toolCalls, toolResultsIn } from './__fixtures__/model.js';
import { decideNext, noFurtherConsent } from './__fixtures__/person.js';
import { noteTools } from './__fixtures__/tools.js';
import { NOTES_WRITE, startWorld, type World } from './__fixtures__/world.js';
import { isAAuthConsentRequired } from './consent.js';
import { createAAuthFetch } from './fetch.js';
import { aauthConsentFor } from './tool-approval.js';
import type { AAuthConsentRequired } from './types.js';
import { withAAuthTools } from './wrap.js';

let world: World;
/** The agent client as the application created it: no `consent` option, so `'wait'`. */
let client: AAuthClient;
beforeEach(async () => {
  world = await startWorld();
  client = world.newClient({ consent: undefined });
  expect(client.consentMode).toBe('wait');
});
afterEach(async () => {
  await world.close();
});

const stopWhen = stepCountIs(4);
const written = (text: string) => ({ type: 'json', value: { status: 201, note: { id: 'n1', text } } });

describe("tools built on a client created in the default 'wait' mode", () => {
  it('wait mode: onConsent gets the consent (link, raw url, code) and the result reaches the model', async () => {
    const consents: AAuthConsentRequired[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'milk' } }), text('Saved.')],
    });
    const person = decideNext(world, 'approve');
    const result = await generateText({
      model,
      tools: noteTools(world, { client, consents }),
      prompt: 'Note: milk',
      stopWhen,
    });
    const interaction = await person;

    expect(result.text).toBe('Saved.');
    expect(consents).toEqual([
      expect.objectContaining({
        interactionUrl: interaction.url,
        url: world.dev.urls.consent,
        code: interaction.code,
        resource: world.notes.origin,
        scope: [NOTES_WRITE],
      }),
    ]);
    expect(consents[0]!.interactionUrl).toBe(
      `${consents[0]!.url}?code=${encodeURIComponent(consents[0]!.code!)}`,
    );
    expect(world.notes.seen.filter((seen) => seen.method === 'POST')).toEqual([
      expect.objectContaining({ kind: 'auth', scope: [NOTES_WRITE], body: '{"text":"milk"}' }),
    ]);
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: written('milk') },
    ]);
  });

  it('stream mode: the consent is a preliminary result, then the final result after approval', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls({ id: 'c1', tool: 'addNote', input: { text: 'streamed' } }),
        streamedText('ok'),
      ],
    });
    const result = streamText({
      model,
      tools: noteTools(world, { client, mode: 'stream' }),
      prompt: 'Note: streamed',
      stopWhen,
    });
    const preliminary: AAuthConsentRequired[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && part.preliminary === true && isAAuthConsentRequired(part.output)) {
        preliminary.push(part.output);
        await world.dev.simulatedUser.approve(part.output.code!);
      }
    }

    expect(preliminary).toEqual([
      expect.objectContaining({
        interactionUrl: expect.stringMatching(/\/consent\?code=/),
        url: world.dev.urls.consent,
        scope: [NOTES_WRITE],
      }),
    ]);
    expect(toolResultsIn(model.doStreamCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: written('streamed') },
    ]);
    expect(world.notes.seen.filter((seen) => seen.kind === 'auth')).toHaveLength(1);
  });

  it('stream mode: parallel calls in one step share ONE consent', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls(
          { id: 'c1', tool: 'addNote', input: { text: 'a' } },
          { id: 'c2', tool: 'addNote', input: { text: 'b' } },
        ),
        streamedText('done'),
      ],
    });
    const person = decideNext(world, 'approve');
    const codes: string[] = [];
    const result = streamText({
      model,
      tools: noteTools(world, { client, mode: 'stream' }),
      prompt: 'a and b',
      stopWhen,
    });
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && isAAuthConsentRequired(part.output)) codes.push(part.output.code!);
    }
    const interaction = await person;

    expect(codes).toEqual([interaction.code, interaction.code]);
    expect(await noFurtherConsent(world)).toBe(true);
    expect(world.notes.notes).toHaveLength(2);
  });

  it('approval mode: the call surfaces as an approval request naming the consent; approving runs it', async () => {
    const tools = noteTools(world, { client, mode: 'approval' });
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls({ id: 'c1', tool: 'addNote', input: { text: 'approved' } }), text('Saved.')],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Note: approved' }];

    const first = await generateText({ model, tools, messages, stopWhen });
    const request = first.content.find((part) => part.type === 'tool-approval-request');
    expect(request?.toolCall.toolCallId).toBe('c1');
    const interaction = await world.dev.simulatedUser.next({ timeoutMs: 5000 });
    expect(aauthConsentFor(tools, request!)).toEqual(
      expect.objectContaining({
        interactionUrl: interaction.url,
        code: interaction.code,
        scope: [NOTES_WRITE],
      }),
    );
    expect(world.notes.notes).toEqual([]);

    await world.dev.simulatedUser.approve(interaction.code);
    messages.push(...first.response.messages, {
      role: 'tool',
      content: [{ type: 'tool-approval-response', approvalId: request!.approvalId, approved: true }],
    });
    const second = await generateText({ model, tools, messages, stopWhen });

    expect(second.text).toBe('Saved.');
    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      { toolCallId: 'c1', output: written('approved') },
    ]);
    expect(await noFurtherConsent(world)).toBe(true);
  });
});

describe("createAAuthFetch on a client created in the default 'wait' mode", () => {
  let mcp: DocumentsMcpServer;
  let mcpClient: MCPClient;
  beforeEach(async () => {
    mcp = await startDocumentsMcpServer({ devServer: world.dev });
    mcpClient = await createMCPClient({
      transport: { type: 'http', url: mcp.url, fetch: createAAuthFetch(client) },
    });
  });
  afterEach(async () => {
    await mcpClient.close();
    await mcp.close();
  });

  it('raises the consent of a wrapped MCP tool call to the tool: stream mode yields it, then the summary', async () => {
    // Cast: an upstream type skew between @ai-sdk/mcp and ai (see mcp.test.ts).
    const tools = withAAuthTools(await mcpClient.tools(), { client, mode: 'stream' }) as unknown as ToolSet;
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls({ id: 's1', tool: 'summarize_document', input: { document_id: 'roadmap' } }),
        streamedText('ok'),
      ],
    });
    const result = streamText({ model, tools, prompt: 'summarize', stopWhen });
    const preliminary: AAuthConsentRequired[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && part.preliminary === true && isAAuthConsentRequired(part.output)) {
        preliminary.push(part.output);
        await world.dev.simulatedUser.approve(part.output.code!);
      }
    }

    expect(preliminary).toEqual([
      expect.objectContaining({ resource: mcp.issuer, scope: [DOCUMENTS_WRITE_SCOPE] }),
    ]);
    const [output] = toolResultsIn(model.doStreamCalls[1]!.prompt);
    expect(JSON.stringify(output!.output)).toContain(summaryOf('roadmap')!);
    expect(mcp.toolCalls).toEqual([
      expect.objectContaining({
        tool: 'summarize_document',
        identity: expect.objectContaining({ kind: 'auth' }),
      }),
    ]);
  });

  it('outside a tool call it keeps the mode the client was created with (here: waits)', async () => {
    const shown: Interaction[] = [];
    const waiting = world.newClient({
      consent: undefined,
      onInteraction: async (interaction) => {
        shown.push(interaction);
        await world.dev.simulatedUser.approve(interaction.code!);
      },
    });
    const fetch = createAAuthFetch(waiting);
    const response = await fetch(`${world.notes.origin}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'outside' }),
    });

    expect(response.status).toBe(201);
    expect(shown).toHaveLength(1);
    expect(world.notes.seen.filter((seen) => seen.kind === 'auth')).toEqual([
      expect.objectContaining({ method: 'POST', body: '{"text":"outside"}' }),
    ]);
  });
});
