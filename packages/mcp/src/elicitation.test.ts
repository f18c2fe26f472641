import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AAuthClient,
  ConsentRequiredError,
  createAAuthClient,
  generateKeyPair,
  type Interaction,
  type PendingConsent,
} from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpError, UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  consentElicitation,
  consentElicitationError,
  defaultConsentMessage,
  isConsentRequiredError,
  URL_ELICITATION_REQUIRED,
  urlElicitationsOf,
  withConsentElicitation,
} from './elicitation.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=ABCD-EFGH',
  url: 'https://ps.example/consent',
  code: 'ABCD-EFGH',
  resource: 'https://api.example',
  scope: ['documents.write'],
  expiresAt: 0,
  server: 'person-server',
  pendingId: 'pc_1',
};
function pendingFor(item: Interaction): PendingConsent {
  return {
    id: item.pendingId,
    kind: 'auth-token',
    resource: item.resource,
    scope: item.scope,
    pollUrl: 'https://ps.example/pending/1',
    interaction: item,
    createdAt: 0,
    expiresAt: 0,
    status: 'pending',
  };
}
const approval: Interaction = {
  kind: 'approval',
  resource: 'https://api.example',
  scope: [],
  expiresAt: 0,
  server: 'person-server',
  pendingId: 'pc_2',
};

describe('consent as URL elicitation', () => {
  it('maps an interaction to ElicitRequestURLParams keyed by the pending consent', () => {
    expect(consentElicitation(interaction)).toEqual({
      mode: 'url',
      elicitationId: 'pc_1',
      url: 'https://ps.example/consent?code=ABCD-EFGH',
      message: 'Approve access to https://api.example (documents.write). Code: ABCD-EFGH',
    });
    expect(consentElicitation(interaction, (i) => `go to ${i.url}`)?.message).toBe(
      'go to https://ps.example/consent',
    );
    expect(consentElicitation(approval)).toBeUndefined();
    expect(defaultConsentMessage(approval)).toBe('Approve access to https://api.example.');
  });

  it('reads the elicitations of v1 errors and of any error shaped like -32042', () => {
    const v1 = new UrlElicitationRequiredError([consentElicitation(interaction)!]);
    expect(urlElicitationsOf(v1)).toEqual([consentElicitation(interaction)]);
    // A v2 ProtocolError, or an error rebuilt by another library, is matched by code and data.
    const foreign = {
      code: URL_ELICITATION_REQUIRED,
      data: { elicitations: [{ ...consentElicitation(interaction), extra: 1 }, { mode: 'form' }] },
    };
    expect(urlElicitationsOf(foreign)).toEqual([consentElicitation(interaction)]);
    expect(urlElicitationsOf(new McpError(-32603, 'boom', { elicitations: [] }))).toEqual([]);
    expect(urlElicitationsOf({ code: URL_ELICITATION_REQUIRED })).toEqual([]);
    expect(urlElicitationsOf(undefined)).toEqual([]);
    expect(urlElicitationsOf('text')).toEqual([]);
  });

  it('recognizes ConsentRequiredError by class or by its stable code and shape', () => {
    const pending = pendingFor(interaction);
    const real = new ConsentRequiredError(interaction, pending);
    expect(isConsentRequiredError(real)).toBe(true);
    expect(isConsentRequiredError({ code: 'ERR_CONSENT_REQUIRED', interaction, pending })).toBe(true);
    expect(isConsentRequiredError({ code: 'ERR_CONSENT_REQUIRED', interaction })).toBe(false);
    expect(isConsentRequiredError(new Error('x'))).toBe(false);
    expect(isConsentRequiredError(null)).toBe(false);
  });

  it('consentElicitationError keeps an approval (no page) as the ConsentRequiredError', () => {
    const error = new ConsentRequiredError(approval, pendingFor(approval));
    expect(consentElicitationError(error)).toBe(error);
    const elicited = consentElicitationError(new ConsentRequiredError(interaction, pendingFor(interaction)));
    expect(elicited).toBeInstanceOf(UrlElicitationRequiredError);
    expect((elicited as UrlElicitationRequiredError).elicitations[0]?.url).toBe(interaction.interactionUrl);
  });
});

describe('a tool that calls an AAuth resource itself (server-as-agent)', () => {
  let dev: DevServer | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    await dev?.close();
    server = undefined;
    dev = undefined;
  });

  /** An MCP server (no AAuth of its own) whose tool writes to the dev server's sample resource. */
  async function startUpstreamMcp(agent: AAuthClient, resourceUrl: string): Promise<string> {
    const app = express();
    app.use(express.json());
    app.post('/mcp', async (req, res) => {
      const mcp = new McpServer({ name: 'upstream', version: '1.0.0' });
      mcp.registerTool(
        'summarize_upstream',
        { description: 'Summarize document 1 at the documents API', inputSchema: {} },
        withConsentElicitation(async () => {
          const response = await agent.fetch(`${resourceUrl}/documents/1/summary`, { method: 'POST' });
          return { content: [{ type: 'text' as const, text: await response.text() }] };
        }),
      );
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  }

  it('reaches the MCP client as -32042 with the consent link, and the retry after approval succeeds', async () => {
    dev = await startDevServer({ pollIntervalSeconds: 0 });
    const key = await generateKeyPair();
    const { agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
    const agent = createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true,
      fetch: dev.fetch,
      consent: 'throw',
      minPollIntervalMs: 0,
    });
    const url = await startUpstreamMcp(agent, dev.urls.resource);
    const client = new Client(
      { name: 'host', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));

    const error = await client
      .callTool({ name: 'summarize_upstream', arguments: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UrlElicitationRequiredError);
    const [elicitation] = (error as UrlElicitationRequiredError).elicitations;
    const waiting = await dev.simulatedUser.next({ timeoutMs: 2000 });
    expect(elicitation).toMatchObject({ mode: 'url', url: waiting.url });
    expect(elicitation!.message).toContain(dev.identifiers.resource);

    await dev.simulatedUser.approve(waiting.code);
    const result = await client.callTool({ name: 'summarize_upstream', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toMatchObject({ document_id: '1' });
    await client.close();
  });
});
