/**
 * MCP through `@ai-sdk/mcp`: `createMCPClient({ transport: { type: 'http', url, fetch: createAAuthFetch(client) } })`
 * against the documents MCP server of @aauth-kit/mcp (AAuth-protected Streamable HTTP). Every HTTP
 * request of the MCP session is signed; the consent for `summarize_document` surfaces through
 * `withAAuthTools` in each mode.
 */
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
import { startWorld, type World } from './__fixtures__/world.js';
import { isAAuthConsentRequired } from './consent.js';
import { createAAuthFetch } from './fetch.js';
import { aauthConsentFor } from './tool-approval.js';
import type { AAuthConsentMode } from './types.js';
import { withAAuthTools } from './wrap.js';

let world: World;
let mcp: DocumentsMcpServer;
let mcpClient: MCPClient;

beforeEach(async () => {
  world = await startWorld();
  mcp = await startDocumentsMcpServer({ devServer: world.dev });
  mcpClient = await createMCPClient({
    transport: { type: 'http', url: mcp.url, fetch: createAAuthFetch(world.client) },
  });
});
afterEach(async () => {
  await mcpClient.close();
  await mcp.close();
  await world.close();
});

const stopWhen = stepCountIs(4);
const summary = summaryOf('roadmap')!;

/**
 * The MCP tools wrapped for `mode`. The cast only bridges an upstream type skew: @ai-sdk/mcp 1.0.101 pins
 * @ai-sdk/provider-utils 4.0.64 and ai 6.0.326 pins 4.0.65, whose `Schema` brands are distinct symbols,
 * so even the unwrapped `mcpClient.tools()` is not a `ToolSet` of this `ai` to the type checker.
 */
async function mcpTools(mode: AAuthConsentMode): Promise<ToolSet> {
  return withAAuthTools(await mcpClient.tools(), { client: world.client, mode }) as unknown as ToolSet;
}

/** The text an MCP tool result carried to the model. */
function mcpText(output: unknown): string {
  const { value } = output as { value: { type: string; text?: string }[] };
  return value.map((part) => part.text ?? '').join('');
}

describe('@ai-sdk/mcp with the signed fetch', () => {
  it('signs every MCP request; a read works at once, a write after consent; both results reach the model', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls({ id: 'm1', tool: 'list_documents', input: {} }),
        toolCalls({ id: 'm2', tool: 'summarize_document', input: { document_id: 'roadmap' } }),
        text('Summarized.'),
      ],
    });
    const person = decideNext(world, 'approve');
    const result = await generateText({
      model,
      tools: await mcpTools('wait'),
      prompt: 'summarize',
      stopWhen,
    });
    await person;

    expect(result.text).toBe('Summarized.');
    expect(mcp.requests.length).toBeGreaterThan(0);
    // The first JSON-RPC message of the session is initialize (a GET for the SSE stream may be verified
    // before it: it carries no JSON-RPC message and races the POST).
    expect(mcp.requests.find((request) => request.rpc.length > 0)?.rpc).toEqual(['initialize']);
    // The server records only requests that passed its AAuth verification: the whole session is there.
    expect(new Set(mcp.requests.flatMap((request) => request.rpc))).toEqual(
      new Set(['initialize', 'notifications/initialized', 'tools/list', 'tools/call']),
    );
    expect(
      mcp.toolCalls.map(({ tool, identity }) => ({ tool, kind: identity?.kind, scope: identity?.scope })),
    ).toEqual([
      { tool: 'list_documents', kind: 'agent', scope: [] },
      { tool: 'summarize_document', kind: 'auth', scope: [DOCUMENTS_WRITE_SCOPE] },
    ]);
    expect(mcp.toolCalls.every((call) => call.signatureKey?.startsWith('sig=jwt'))).toBe(true);
    const [listed] = toolResultsIn(model.doGenerateCalls[1]!.prompt);
    expect(mcpText(listed!.output)).toContain('"id":"roadmap"');
    const written = toolResultsIn(model.doGenerateCalls[2]!.prompt).find((r) => r.toolCallId === 'm2');
    expect(mcpText(written!.output)).toContain(summary);
  });

  it('stream mode: the consent URL arrives as a preliminary result of the MCP tool', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        streamedToolCalls({ id: 's1', tool: 'summarize_document', input: { document_id: 'roadmap' } }),
        streamedText('ok'),
      ],
    });
    const result = streamText({ model, tools: await mcpTools('stream'), prompt: 'summarize', stopWhen });
    const codes: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'tool-result' && part.preliminary === true && isAAuthConsentRequired(part.output)) {
        codes.push(part.output.code!);
        await world.dev.simulatedUser.approve(part.output.code!);
      }
    }

    expect(codes).toHaveLength(1);
    expect(mcp.toolCalls).toEqual([expect.objectContaining({ tool: 'summarize_document' })]);
    expect(mcpText(toolResultsIn(model.doStreamCalls[1]!.prompt)[0]!.output)).toContain(summary);
  });

  it('approval mode: an approval request names the consent; approving runs the MCP tool', async () => {
    const tools = await mcpTools('approval');
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls({ id: 'a1', tool: 'summarize_document', input: { document_id: 'roadmap' } }),
        text('Done.'),
      ],
    });
    const messages: ModelMessage[] = [{ role: 'user', content: 'summarize the roadmap' }];
    const first = await generateText({ model, tools, messages, stopWhen });
    const request = first.content.find((part) => part.type === 'tool-approval-request');
    expect(request).toBeDefined();
    const interaction = await decideNext(world, 'approve');
    expect(aauthConsentFor(tools, request!)?.code).toBe(interaction.code);

    messages.push(...first.response.messages, {
      role: 'tool',
      content: [{ type: 'tool-approval-response', approvalId: request!.approvalId, approved: true }],
    });
    await generateText({ model, tools, messages, stopWhen });

    expect(mcpText(toolResultsIn(model.doGenerateCalls[1]!.prompt)[0]!.output)).toContain(summary);
    expect(await noFurtherConsent(world)).toBe(true);
  });

  it('a denied consent reaches the model as a readable tool error', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls({ id: 'd1', tool: 'summarize_document', input: { document_id: 'roadmap' } }),
        text('Declined.'),
      ],
    });
    const person = decideNext(world, 'deny');
    await generateText({ model, tools: await mcpTools('wait'), prompt: 'summarize', stopWhen });
    await person;

    expect(toolResultsIn(model.doGenerateCalls[1]!.prompt)).toEqual([
      {
        toolCallId: 'd1',
        output: { type: 'error-text', value: expect.stringContaining('the person denied the request') },
      },
    ]);
    expect(mcp.toolCalls).toEqual([]);
  });
});
