import {
  ConfigurationError,
  ConsentDeniedError,
  ConsentRequiredError,
  createAAuthClient,
  type Interaction,
} from '@aauth-kit/core';
import { InteractionWaitError } from '@aauth-kit/dev-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { applyMiddlewares } from '@modelcontextprotocol/sdk/client/middleware.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summaryOf } from '../__fixtures__/documents-mcp-server.js';
import { type McpWorld, type McpWorldOptions, mcpWorld } from '../__fixtures__/world.js';
import { URL_ELICITATION_REQUIRED, type UrlElicitation } from '../elicitation.js';
import { ConsentDeclinedError } from '../errors.js';
import { type FetchLike, withAAuth } from './with-aauth.js';

let world: McpWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(options: McpWorldOptions = {}): Promise<McpWorld> {
  world = await mcpWorld(options);
  return world;
}

const SUMMARIZE = { name: 'summarize_document', arguments: { document_id: 'roadmap' } };
const JKT_URI = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';

function textOf(result: unknown): unknown {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text);
}

async function elicitationError(w: McpWorld): Promise<UrlElicitationRequiredError> {
  const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UrlElicitationRequiredError);
  return error as UrlElicitationRequiredError;
}

function tokenRequests(w: McpWorld): number {
  return w.exchanges.filter((e) => e.method === 'POST' && e.url === `${w.dev.identifiers.personServer}/token`)
    .length;
}

describe('withAAuth + createAAuthTransport against a real McpServer and the dev server', () => {
  it('reads at once: the tool sees the verified agent in extra.authInfo', async () => {
    const w = await start();
    const result = await w.client.callTool({ name: 'list_documents', arguments: {} });
    expect(textOf(result)).toMatchObject({
      documents: expect.arrayContaining([{ id: 'roadmap', title: 'Roadmap 2027' }]),
    });

    const call = w.mcp.toolCalls.at(-1)!;
    expect(call.tool).toBe('list_documents');
    expect(call.identity).toMatchObject({ kind: 'agent', agentId: w.agentId, scope: [] });
    expect(call.authInfo).toMatchObject({
      clientId: `${JKT_URI}${call.identity!.agentJkt}`,
      scopes: [],
      extra: { kind: 'agent', agentId: w.agentId },
    });
    expect(call.authInfo!.resource?.href).toBe(`${w.mcp.issuer}/`);
    expect(call.authInfo!.expiresAt).toBeGreaterThan(Date.now() / 1000);
    // The token the agent presented in Signature-Key is the one the server verified.
    expect(call.signatureKey).toMatch(/^sig=jwt;jwt="/);
    expect(call.signatureKey).toContain(call.authInfo!.token);
    // No Person Server traffic for a read.
    expect(tokenRequests(w)).toBe(0);
  });

  it('turns the consent of a write into UrlElicitationRequiredError carrying the dev consent URL', async () => {
    const w = await start();
    const error = await elicitationError(w);
    expect(error.code).toBe(URL_ELICITATION_REQUIRED);
    const waiting = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    const pending = w.aauth.pendingConsent(w.mcp.url)!;
    expect(error.elicitations).toEqual([
      {
        mode: 'url',
        elicitationId: pending.id,
        url: waiting.url,
        message: `Approve access to ${w.mcp.issuer} (documents.write). Code: ${waiting.code}`,
      },
    ]);
    expect(waiting.url.startsWith(`${w.dev.urls.consent}?code=`)).toBe(true);
    expect(waiting.resource).toBe(w.mcp.issuer);
    expect(waiting.scope).toBe('documents.write');
    // The tool never ran: the server challenged before the MCP layer saw the call.
    expect(w.mcp.toolCalls.filter((c) => c.tool === 'summarize_document')).toHaveLength(0);
  });

  it('after approval the retried callTool returns the tool result, made with the auth token', async () => {
    const w = await start();
    await elicitationError(w);
    const waiting = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    await w.dev.simulatedUser.approve(waiting.code);

    const result = await w.client.callTool(SUMMARIZE);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatchObject({ document_id: 'roadmap', summary: summaryOf('roadmap') });
    const call = w.mcp.toolCalls.at(-1)!;
    expect(call.identity).toMatchObject({ kind: 'auth', scope: ['documents.write'] });
    expect(call.identity!.person?.iss).toBe(w.dev.identifiers.personServer);
    expect(call.authInfo!.scopes).toEqual(['documents.write']);
    expect(w.aauth.pendingConsent(w.mcp.url)).toBeUndefined();
    // One auth token request for the whole consent, none after.
    expect(tokenRequests(w)).toBe(1);
  });

  it('a denied consent rejects the retry with a readable ConsentDeniedError; the session stays usable', async () => {
    const w = await start();
    await elicitationError(w);
    const waiting = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    await w.dev.simulatedUser.deny(waiting.code);

    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeniedError);
    expect((error as ConsentDeniedError).error).toBe('denied');
    expect((error as Error).message).toBe(
      `consent for ${w.mcp.issuer} ended: denied (the person denied the request)`,
    );
    expect(w.mcp.toolCalls.filter((c) => c.tool === 'summarize_document')).toHaveLength(0);
    const read = await w.client.callTool({ name: 'list_documents', arguments: {} });
    expect(read.isError).toBeFalsy();
  });

  it('two parallel writes wait on one consent and both complete after one approval', async () => {
    const w = await start();
    const [first, second] = await Promise.all([
      w.client.callTool(SUMMARIZE).catch((e: unknown) => e),
      w.client
        .callTool({ name: 'summarize_document', arguments: { document_id: 'q3-report' } })
        .catch((e: unknown) => e),
    ]);
    expect(first).toBeInstanceOf(UrlElicitationRequiredError);
    expect(second).toBeInstanceOf(UrlElicitationRequiredError);
    const a = (first as UrlElicitationRequiredError).elicitations[0]!;
    const b = (second as UrlElicitationRequiredError).elicitations[0]!;
    expect(b.elicitationId).toBe(a.elicitationId);
    expect(b.url).toBe(a.url);
    const waiting = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    expect(waiting.url).toBe(a.url);
    await expect(w.dev.simulatedUser.next({ timeoutMs: 300 })).rejects.toBeInstanceOf(InteractionWaitError);
    expect(tokenRequests(w)).toBe(1);

    await w.dev.simulatedUser.approve(waiting.code);
    const results = await Promise.all([
      w.client.callTool(SUMMARIZE),
      w.client.callTool({ name: 'summarize_document', arguments: { document_id: 'q3-report' } }),
    ]);
    expect(results.map(textOf)).toEqual([
      expect.objectContaining({ summary: summaryOf('roadmap') }),
      expect.objectContaining({ summary: summaryOf('q3-report') }),
    ]);
    expect(tokenRequests(w)).toBe(1);
  });

  it('signs the GET event stream and the DELETE that ends the session', async () => {
    const w = await start();
    const sessionId = w.transport.sessionId!;
    expect(sessionId).toBeTypeOf('string');
    await vi.waitFor(() => expect(w.mcp.requests.some((r) => r.method === 'GET')).toBe(true));
    expect(w.mcp.sessionCount()).toBe(1);
    await w.transport.terminateSession();
    expect(w.transport.sessionId).toBeUndefined();
    // Only verified requests are recorded: each of these carried a signature the server accepted.
    expect(w.mcp.requests.filter((r) => r.method !== 'POST')).toEqual([
      { method: 'GET', kind: 'agent', rpc: [], sessionId },
      { method: 'DELETE', kind: 'agent', rpc: [], sessionId },
    ]);
    expect(w.mcp.sessionCount()).toBe(0);
  });

  it('answers an unsigned client 401 with Signature-Error, and the plain MCP client fails to connect', async () => {
    const w = await start();
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'plain', version: '1' },
      },
    };
    const response = await fetch(w.mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('signature-error')).toBe('error=invalid_signature');
    expect(await response.json()).toMatchObject({ error: 'invalid_signature' });

    const plain = new Client({ name: 'plain', version: '1.0.0' });
    const error = await plain
      .connect(new StreamableHTTPClientTransport(new URL(w.mcp.url)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
    expect(w.mcp.requests.filter((r) => r.rpc.includes('initialize'))).toHaveLength(1);
  });

  it('answers every request of a batch with -32042, and lets a notification fail with ConsentRequiredError', async () => {
    const w = await start();
    const signed = withAAuth(w.aauth)(fetch);
    const post = (body: unknown) =>
      signed(w.mcp.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': w.transport.sessionId!,
          'mcp-protocol-version': w.transport.protocolVersion!,
        },
        body: JSON.stringify(body),
      });
    const call = (id?: number) => ({
      jsonrpc: '2.0',
      ...(id === undefined ? {} : { id }),
      method: 'tools/call',
      params: SUMMARIZE,
    });
    const batch = await post([call(41), call(42)]);
    expect(batch.status).toBe(200);
    expect(batch.headers.get('content-type')).toBe('application/json');
    const answers = (await batch.json()) as { id: number; error: { code: number; data: unknown } }[];
    expect(answers.map((a) => [a.id, a.error.code])).toEqual([
      [41, -32042],
      [42, -32042],
    ]);
    const single = await post(call(43));
    expect(await single.json()).toMatchObject({ jsonrpc: '2.0', id: 43, error: { code: -32042 } });
    await expect(post(call())).rejects.toBeInstanceOf(ConsentRequiredError);
  });
});

describe('what reaches the MCP transport', () => {
  it('is never an AAuth 202: the consent answer is a 200 JSON-RPC error, notifications keep their plain 202', async () => {
    const w = await start();
    const seen: { status: number; requirement: string | null; body: string }[] = [];
    // applyMiddlewares(a, b): b is outermost, so `observe` sees exactly what the transport receives.
    const observe =
      (next: FetchLike): FetchLike =>
      async (url, init) => {
        const response = await next(url, init);
        const body =
          response.headers.get('content-type') === 'application/json' ? await response.clone().text() : '';
        seen.push({ status: response.status, requirement: response.headers.get('aauth-requirement'), body });
        return response;
      };
    const client = new Client(
      { name: 'observed', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } } },
    );
    const transport = new StreamableHTTPClientTransport(new URL(w.mcp.url), {
      fetch: applyMiddlewares(withAAuth(w.aauth), observe)(fetch),
    });
    await client.connect(transport);
    await expect(client.callTool(SUMMARIZE)).rejects.toBeInstanceOf(UrlElicitationRequiredError);
    expect(seen.every((s) => s.requirement === null)).toBe(true);
    expect(seen.filter((s) => s.status === 202)).toHaveLength(1); // notifications/initialized
    const answer = seen.find((s) => s.body !== '')!;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32042 } });
    await client.close();
  });
});

describe('consent modes', () => {
  it("'elicit' hands the link to the host's URL elicitation handler once, then completes the calls", async () => {
    const seen: UrlElicitation[] = [];
    const w = await start({
      middleware: {
        onElicitation: async (elicitation) => {
          seen.push(elicitation);
          await world!.dev.simulatedUser.approve(elicitation.url);
          return { action: 'accept' };
        },
      },
    });
    const results = await Promise.all([w.client.callTool(SUMMARIZE), w.client.callTool(SUMMARIZE)]);
    expect(results.map((r) => r.isError)).toEqual([undefined, undefined]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.startsWith(`${w.dev.urls.consent}?code=`)).toBe(true);
    expect(w.mcp.toolCalls.filter((c) => c.tool === 'summarize_document')).toHaveLength(2);
  });

  it("'elicit' rejects with ConsentDeclinedError when the host declines", async () => {
    const w = await start({ middleware: { onElicitation: () => ({ action: 'decline' }) } });
    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeclinedError);
    expect((error as ConsentDeclinedError).action).toBe('decline');
    expect((error as ConsentDeclinedError).url.startsWith(w.dev.urls.consent)).toBe(true);
  });

  it("'wait' blocks until the person approves (the link goes through the client's onInteraction)", async () => {
    const interactions: Interaction[] = [];
    const w = await start({
      middleware: { consent: 'wait' },
      aauth: {
        onInteraction: async (interaction) => {
          interactions.push(interaction);
          await world!.dev.simulatedUser.approve(interaction.code!);
        },
      },
    });
    // The middleware's 'wait' wins over the 'throw' mode the client was created with.
    expect(w.aauth.consentMode).toBe('throw');
    const result = await w.client.callTool(SUMMARIZE);
    expect(textOf(result)).toMatchObject({ summary: summaryOf('roadmap') });
    expect(interactions).toHaveLength(1);
    expect(interactions[0]!.interactionUrl!.startsWith(w.dev.urls.consent)).toBe(true);
  });

  it("'throw' lets ConsentRequiredError reach the caller", async () => {
    const w = await start({ middleware: { consent: 'throw' } });
    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).interaction.resource).toBe(w.mcp.issuer);
  });

  it('an approval with no page to visit is not turned into an elicitation', async () => {
    // Without the `interaction` capability the Person Server asks for an out-of-band approval.
    const w = await start({ aauth: { capabilities: [], preferWaitSeconds: 0 } });
    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).interaction.kind).toBe('approval');
  });
});

describe("with a client created in the default 'wait' mode", () => {
  /** The world's AAuth client without the fixture's `consent: 'throw'`: what most apps create. */
  async function startWithDefaultClient(options: McpWorldOptions = {}): Promise<McpWorld> {
    const w = await start({ ...options, aauth: { ...options.aauth, consent: undefined } });
    expect(w.aauth.consentMode).toBe('wait');
    return w;
  }

  it("'error' answers -32042 with the consent link at once, and the retry after approval completes", async () => {
    const w = await startWithDefaultClient();
    const error = await elicitationError(w);
    const waiting = await w.dev.simulatedUser.next({ timeoutMs: 2000 });
    expect(error.elicitations).toEqual([
      {
        mode: 'url',
        elicitationId: w.aauth.pendingConsent(w.mcp.url)!.id,
        url: waiting.url,
        message: `Approve access to ${w.mcp.issuer} (documents.write). Code: ${waiting.code}`,
      },
    ]);
    expect(waiting.url.startsWith(`${w.dev.urls.consent}?code=`)).toBe(true);
    expect(w.mcp.toolCalls.filter((c) => c.tool === 'summarize_document')).toHaveLength(0);

    await w.dev.simulatedUser.approve(waiting.code);
    const result = await w.client.callTool(SUMMARIZE);
    expect(textOf(result)).toMatchObject({ document_id: 'roadmap', summary: summaryOf('roadmap') });
    expect(w.mcp.toolCalls.at(-1)!.identity).toMatchObject({ kind: 'auth', scope: ['documents.write'] });
    expect(tokenRequests(w)).toBe(1);
    // The application's own client is still the 'wait' client it created.
    expect(w.aauth.consentMode).toBe('wait');
  });

  it("'error': two parallel writes get the same elicitation, from one Person Server request", async () => {
    const w = await startWithDefaultClient();
    const errors = await Promise.all([
      w.client.callTool(SUMMARIZE).catch((e: unknown) => e),
      w.client
        .callTool({ name: 'summarize_document', arguments: { document_id: 'q3-report' } })
        .catch((e: unknown) => e),
    ]);
    const [a, b] = errors.map((e) => {
      expect(e).toBeInstanceOf(UrlElicitationRequiredError);
      return (e as UrlElicitationRequiredError).elicitations[0]!;
    });
    expect(b!.elicitationId).toBe(a!.elicitationId);
    expect(b!.url).toBe(a!.url);
    expect(tokenRequests(w)).toBe(1);
  });

  it("'elicit' hands the link to the host once and completes the calls after acceptance", async () => {
    const seen: UrlElicitation[] = [];
    const w = await startWithDefaultClient({
      middleware: {
        onElicitation: async (elicitation) => {
          seen.push(elicitation);
          await world!.dev.simulatedUser.approve(elicitation.url);
          return { action: 'accept' };
        },
      },
    });
    const results = await Promise.all([w.client.callTool(SUMMARIZE), w.client.callTool(SUMMARIZE)]);
    expect(results.map(textOf)).toEqual([
      expect.objectContaining({ summary: summaryOf('roadmap') }),
      expect.objectContaining({ summary: summaryOf('roadmap') }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.startsWith(`${w.dev.urls.consent}?code=`)).toBe(true);
    expect(tokenRequests(w)).toBe(1);
  });

  it("'elicit' rejects with ConsentDeclinedError when the host declines, without waiting", async () => {
    const w = await startWithDefaultClient({ middleware: { onElicitation: () => ({ action: 'cancel' }) } });
    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentDeclinedError);
    expect((error as ConsentDeclinedError).action).toBe('cancel');
    expect((error as ConsentDeclinedError).url.startsWith(`${w.dev.urls.consent}?code=`)).toBe(true);
  });

  it("'throw' lets ConsentRequiredError reach the caller", async () => {
    const w = await startWithDefaultClient({ middleware: { consent: 'throw' } });
    const error = await w.client.callTool(SUMMARIZE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    const { interaction, pending } = error as ConsentRequiredError;
    expect(interaction.resource).toBe(w.mcp.issuer);
    expect(interaction.interactionUrl).toBe(
      `${interaction.url}?code=${encodeURIComponent(interaction.code!)}`,
    );
    expect(w.aauth.pendingConsent(w.mcp.url)?.id).toBe(pending.id);
  });

  it('refuses, when built, a client without withConsent', () => {
    const legacy = { fetch: async () => new Response() };
    expect(() => withAAuth(legacy as never)).toThrow(ConfigurationError);
    expect(() => withAAuth(() => legacy as never)(fetch)).toThrow(ConfigurationError);
  });
});

describe('hono server', () => {
  it('runs the same read, consent and write through the hono middleware', async () => {
    const w = await start({ framework: 'hono' });
    const read = await w.client.callTool({ name: 'list_documents', arguments: {} });
    expect(read.isError).toBeFalsy();
    expect(w.mcp.toolCalls[0]!.identity).toMatchObject({ kind: 'agent', agentId: w.agentId });
    const error = await elicitationError(w);
    await w.dev.simulatedUser.approve(error.elicitations[0]!.url);
    const result = await w.client.callTool(SUMMARIZE);
    expect(textOf(result)).toMatchObject({ summary: summaryOf('roadmap') });
    expect(w.mcp.toolCalls.at(-1)!.authInfo!.scopes).toEqual(['documents.write']);
    await w.transport.terminateSession();
    expect(w.mcp.requests.map((r) => r.method)).toContain('DELETE');
  });
});

describe('composition', () => {
  it('works inside applyMiddlewares and with a client factory that sends through `next`', async () => {
    const w = await start();
    const sent: string[] = [];
    const counting: FetchLike = async (url, init) => {
      sent.push(`${init?.method ?? 'GET'} ${String(url)}`);
      return w.dev.fetch(url, init);
    };
    const registered = await w.dev.registerAgent({ publicJwk: w.key.publicJwk });
    const middleware = withAAuth((next) =>
      createAAuthClient({
        signer: w.key.signer,
        agentToken: registered.agentToken,
        development: true,
        consent: 'throw',
        fetch: next as typeof fetch,
      }),
    );
    const client = new Client({ name: 'composed', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(w.mcp.url), {
      fetch: applyMiddlewares(middleware)(counting),
    });
    await client.connect(transport);
    const result = await client.callTool({ name: 'list_documents', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(sent.filter((s) => s.startsWith(`POST ${w.mcp.url}`)).length).toBeGreaterThanOrEqual(3);
    await client.close();
  });
});
