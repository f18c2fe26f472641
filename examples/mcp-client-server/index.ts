/**
 * An MCP client agent and an MCP server, both speaking AAuth:
 *   1. the dev server runs an Agent Provider and a Person Server (with a consent page) on localhost;
 *   2. the documents MCP server (./server.ts) verifies every request with @aauth-kit/resource;
 *   3. the agent connects with `createAAuthTransport`, which signs every request;
 *   4. `list_documents` works at once with the agent token;
 *   5. `summarize_document` needs the person's consent: `callTool` rejects with
 *      UrlElicitationRequiredError carrying the consent link; once the person approved (the simulated
 *      person does it unless you run this in a terminal), the agent retries and gets the summary.
 * There is no model here: the MCP client itself is the agent, scripted.
 *
 *   pnpm --filter @aauth-kit/example-mcp-client-server start
 */
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { type AAuthClient, createAAuthClient, generateKeyPair } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { createAAuthTransport, urlElicitationsOf } from '@aauth-kit/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type DocumentsMcpServer, startDocumentsMcpServer } from './server.js';

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
  /** Ask a person at the terminal to open the consent page (default: when stdin is a TTY). */
  interactive?: boolean;
  /** Run against this dev server (left running) instead of starting one. */
  devServer?: DevServer;
  /** Talk to this documents MCP server (left running) instead of starting one on the dev server. */
  mcpServer?: DocumentsMcpServer;
  /** Transport of the agent's AAuth client (default: the dev server's routing fetch). */
  fetch?: typeof fetch;
  /**
   * How the person decides; resolves once they have (default: the terminal prompt when interactive,
   * else the dev server's simulated person). `client` is the agent's, to wait on the decision.
   */
  decide?: (consent: ConsentToDecide, client: AAuthClient) => Promise<void>;
}

export interface ExampleResult {
  documents: { id: string; title: string }[];
  /** The consent page the MCP client was sent to (the dev Person Server's). */
  consentUrl: string;
  consentPage: string;
  summary: string;
  /** What the MCP server's tools saw in `extra.authInfo`. */
  serverSaw: { tool: string; kind: string | undefined; scopes: string[] }[];
}

function textOf(result: unknown): unknown {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text);
}

export async function main(options: ExampleOptions = {}): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const interactive = options.interactive ?? process.stdin.isTTY === true;
  const dev = options.devServer ?? (await startDevServer());
  const mcp = options.mcpServer ?? (await startDocumentsMcpServer({ devServer: dev }));
  try {
    // The agent: a key, an agent token from the Agent Provider, and an AAuth client (default consent
    // mode): the MCP transport raises consent as a URL elicitation whatever mode the client has.
    const key = await generateKeyPair();
    const { agentId, agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
    const aauth = createAAuthClient({
      signer: key.signer,
      agentToken,
      development: true, // http://localhost identifiers
      fetch: options.fetch ?? dev.fetch,
    });
    const client = new Client(
      { name: 'documents-agent', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } } },
    );
    await client.connect(createAAuthTransport(mcp.url, { client: aauth }));
    log(`agent ${agentId} connected to ${mcp.url}`);

    const listed = textOf(await client.callTool({ name: 'list_documents', arguments: {} })) as {
      documents: { id: string; title: string }[];
    };
    log(`list_documents → ${listed.documents.map((d) => d.title).join(', ')}`);

    const call = { name: 'summarize_document', arguments: { document_id: listed.documents[1]!.id } };
    let consentUrl = '';
    let result: unknown;
    try {
      result = await client.callTool(call);
    } catch (error) {
      const [elicitation] = urlElicitationsOf(error);
      if (elicitation === undefined) throw error;
      consentUrl = elicitation.url;
      log(`summarize_document needs consent: ${elicitation.message}`);
      log(`  open ${elicitation.url}`);
      if (options.decide !== undefined) {
        const pending = aauth.pendingConsent(mcp.url);
        await options.decide(
          {
            resource: pending?.resource ?? new URL(mcp.url).origin,
            scope: [...(pending?.scope ?? [])],
            url: elicitation.url,
            code: new URL(elicitation.url).searchParams.get('code') ?? undefined,
          },
          aauth,
        );
      } else if (interactive) {
        const terminal = createInterface({ input: process.stdin, output: process.stdout });
        await terminal.question('  approve it in your browser, then press Enter ');
        terminal.close();
      } else {
        await dev.simulatedUser.approve(elicitation.url);
        log('  (the simulated person approved)');
      }
      // Wait for the Person Server to confirm the decision, then retry the same call.
      const pending = aauth.pendingConsent(mcp.url);
      if (pending !== undefined) await aauth.waitForConsent(pending);
      result = await client.callTool(call);
    }
    const { summary } = textOf(result) as { summary: string };
    log(`summarize_document → ${summary}`);
    await client.close();
    return {
      documents: listed.documents,
      consentUrl,
      consentPage: dev.urls.consent,
      summary,
      serverSaw: mcp.toolCalls.map((c) => ({
        tool: c.tool,
        kind: c.identity?.kind,
        scopes: c.authInfo?.scopes ?? [],
      })),
    };
  } finally {
    if (options.mcpServer === undefined) await mcp.close();
    if (options.devServer === undefined) await dev.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
