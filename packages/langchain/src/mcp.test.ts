/**
 * MCP tools inside LangChain: tools loaded with @langchain/mcp-adapters from the documents MCP server
 * of @aauth-kit/mcp, over its signing transport. The adapters flatten MCP errors into a ToolException
 * (message only), so the consent URL comes from the AAuth client's pending state.
 */
import {
  type AAuthClient,
  type AAuthClientOptions,
  createAAuthClient,
  generateKeyPair,
} from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { createAAuthTransport } from '@aauth-kit/mcp';
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { Command, MemorySaver } from '@langchain/langgraph';
import { loadMcpTools } from '@langchain/mcp-adapters';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createAgent } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DOCUMENTS_WRITE_SCOPE,
  type DocumentsMcpServer,
  startDocumentsMcpServer,
  summaryOf,
} from '../../mcp/src/__fixtures__/documents-mcp-server.js';
import { getAAuthInterrupts } from './interrupt-value.js';
import { aauthMiddleware } from './middleware.js';
import { withAAuth } from './with-aauth.js';

interface McpWorld {
  dev: DevServer;
  mcp: DocumentsMcpServer;
  aauth: AAuthClient;
  client: Client;
  close(): Promise<void>;
}

let world: McpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function mcpWorld(clientOptions: Partial<AAuthClientOptions> = {}): Promise<McpWorld> {
  const dev = await startDevServer({ pollIntervalSeconds: 0 });
  const mcp = await startDocumentsMcpServer({ devServer: dev });
  const key = await generateKeyPair();
  const { agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
  const aauth = createAAuthClient({
    signer: key.signer,
    agentToken,
    development: true,
    fetch: dev.fetch,
    consent: 'throw',
    minPollIntervalMs: 0,
    ...clientOptions,
  });
  // The MCP transport of @aauth-kit/mcp: signs every request, answers consent with -32042.
  const client = new Client({ name: 'langchain-agent', version: '1.0.0' });
  await client.connect(createAAuthTransport(mcp.url, { client: aauth }));
  return {
    dev,
    mcp,
    aauth,
    client,
    async close() {
      await client.close().catch(() => undefined);
      await mcp.close();
      await dev.close();
    },
  };
}

function toolMessagesSeen(model: ReturnType<typeof fakeModel>, call: number): ToolMessage[] {
  const messages = (model.calls[call]?.messages ?? []) as BaseMessage[];
  return messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
}

const summarizeCall = { name: 'summarize_document', args: { document_id: 'q3-report' }, id: 'call_sum' };

describe('MCP tools from @langchain/mcp-adapters', () => {
  it('pause with the consent URL the ToolException dropped; approval resumes and the summary reaches the model', async () => {
    world = await mcpWorld();
    const w = world;
    const tools = await loadMcpTools('documents', w.client);
    const model = fakeModel()
      .respondWithTools([{ name: 'list_documents', args: {}, id: 'call_list' }, summarizeCall])
      .respond(new AIMessage('Summarized.'));
    const agent = createAgent({
      model,
      tools,
      middleware: [aauthMiddleware({ client: w.aauth, resource: w.mcp.issuer })],
      checkpointer: new MemorySaver(),
    });
    const config = { configurable: { thread_id: 'mcp' } };

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'summarize q3' }] }, config);

    const asked = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    const consents = getAAuthInterrupts(first.__interrupt__);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({
      interactionUrl: asked.url,
      url: w.dev.urls.consent,
      code: asked.code,
      resource: w.mcp.issuer,
      scope: [DOCUMENTS_WRITE_SCOPE],
      toolName: 'summarize_document',
      toolCallId: 'call_sum',
    });
    // The read tool ran at once over the signed transport.
    expect(w.mcp.toolCalls.map((c) => [c.tool, c.identity?.kind])).toEqual([['list_documents', 'agent']]);

    await w.dev.simulatedUser.approve(asked.code);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    const seen = toolMessagesSeen(model, 1);
    expect(seen.map((m) => [m.tool_call_id, m.status])).toEqual([
      ['call_list', 'success'],
      ['call_sum', 'success'],
    ]);
    expect(String(seen[1]?.content)).toContain(summaryOf('q3-report')!);
    const write = w.mcp.toolCalls.find((c) => c.tool === 'summarize_document' && c.identity?.kind === 'auth');
    expect(write?.identity?.scope).toContain(DOCUMENTS_WRITE_SCOPE);
    expect(write?.signatureKey).toMatch(/^sig=jwt/);
  });

  it('a denial comes back to the model as an error ToolMessage (withAAuth around a loaded MCP tool)', async () => {
    world = await mcpWorld();
    const w = world;
    const tools = (await loadMcpTools('documents', w.client)).map((t) =>
      withAAuth(t, { client: w.aauth, resource: w.mcp.issuer }),
    );
    const model = fakeModel()
      .respondWithTools([summarizeCall])
      .respond(new AIMessage('Could not summarize.'));
    const agent = createAgent({ model, tools, checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: 'mcp-deny' } };

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'summarize q3' }] }, config);
    const [consent] = getAAuthInterrupts(first.__interrupt__);
    expect(consent?.resource).toBe(w.mcp.issuer);

    await w.dev.simulatedUser.deny(consent!.code!);
    await agent.invoke(new Command({ resume: { approved: true } }), config);

    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('error');
    expect(seen?.tool_call_id).toBe('call_sum');
    expect(seen?.artifact).toMatchObject({
      type: 'aauth.consent_declined',
      reason: 'denied',
      resource: w.mcp.issuer,
    });
    expect(String(seen?.content)).toContain(`Access to ${w.mcp.issuer}`);
    expect(w.mcp.toolCalls.some((c) => c.identity?.kind === 'auth')).toBe(false);
  });

  it("in 'wait' mode the MCP tool call blocks until approval (URL via onInteraction) and then succeeds", async () => {
    const shown: string[] = [];
    world = await mcpWorld({
      onInteraction: async (interaction) => {
        shown.push(interaction.interactionUrl ?? '');
        await world!.dev.simulatedUser.approve(interaction.code!);
      },
    });
    const w = world;
    const summarize = (await loadMcpTools('documents', w.client)).find(
      (t) => t.name === 'summarize_document',
    )!;
    const wrapped = withAAuth(summarize, { client: w.aauth, consent: 'wait', resource: w.mcp.issuer });

    const result = await wrapped.invoke({ document_id: 'roadmap' });

    expect(JSON.stringify(result)).toContain(summaryOf('roadmap')!);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/\/consent\?code=/);
    expect(w.mcp.toolCalls.filter((c) => c.identity?.kind === 'auth')).toHaveLength(1);
  });

  it("works with a client created in the default 'wait' mode: the pause, its link, and the resumed summary", async () => {
    world = await mcpWorld({ consent: undefined });
    const w = world;
    expect(w.aauth.consentMode).toBe('wait');
    const tools = await loadMcpTools('documents', w.client);
    const model = fakeModel().respondWithTools([summarizeCall]).respond(new AIMessage('Summarized.'));
    const agent = createAgent({
      model,
      tools,
      middleware: [aauthMiddleware({ client: w.aauth, resource: w.mcp.issuer })],
      checkpointer: new MemorySaver(),
    });
    const config = { configurable: { thread_id: 'mcp-default-client' } };

    const first = await agent.invoke({ messages: [{ role: 'user', content: 'summarize q3' }] }, config);

    const asked = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    const consents = getAAuthInterrupts(first.__interrupt__);
    expect(consents).toEqual([
      expect.objectContaining({
        interactionUrl: asked.url,
        url: w.dev.urls.consent,
        code: asked.code,
        resource: w.mcp.issuer,
        scope: [DOCUMENTS_WRITE_SCOPE],
        toolCallId: 'call_sum',
      }),
    ]);

    await w.dev.simulatedUser.approve(asked.code);
    const done = await agent.invoke(new Command({ resume: { approved: true } }), config);

    expect(done.__interrupt__).toBeUndefined();
    const [seen] = toolMessagesSeen(model, 1);
    expect(seen?.status).toBe('success');
    expect(String(seen?.content)).toContain(summaryOf('q3-report')!);
    const write = w.mcp.toolCalls.find((c) => c.tool === 'summarize_document' && c.identity?.kind === 'auth');
    expect(write?.identity?.scope).toContain(DOCUMENTS_WRITE_SCOPE);
  });
});
