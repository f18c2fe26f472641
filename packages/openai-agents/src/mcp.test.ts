import {
  ConfigurationError,
  ConsentDeniedError,
  ConsentRequiredError,
  type Interaction,
} from '@aauth-kit/core';
import { Agent, MCPServerStreamableHttp, RunContext, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outputSeen } from './__fixtures__/agents.js';
import { mcpEndpoint } from './__fixtures__/mcp-endpoint.js';
import { NOTES_WRITE_SCOPE } from './__fixtures__/notes-resource.js';
import { startWorld, type World } from './__fixtures__/world.js';
import { DEFAULT_TOOL_ERROR_TEXT } from './describe.js';
import { aauthMcpErrorFunction, aauthMcpFetch, URL_ELICITATION_REQUIRED } from './mcp.js';
import { MIN_CHECK_DELAY_MS } from './options.js';

beforeAll(() => setTracingDisabled(true));

let world: World | undefined;
let server: MCPServerStreamableHttp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await world?.close();
  world = undefined;
});

const personTakesAMoment = () => new Promise((resolve) => setTimeout(resolve, MIN_CHECK_DELAY_MS + 100));

describe('MCP servers with the AAuth fetch', () => {
  it('signs every MCP request; a consent reaches the model as its URL; after approval the re-call succeeds', async () => {
    world = await startWorld({}, mcpEndpoint());
    const w = world;
    const url = `${w.notes.origin}/mcp`;
    const client = w.client(); // 'wait' mode: aauthMcpFetch uses its 'throw' view
    server = new MCPServerStreamableHttp({
      url,
      name: 'notes',
      fetch: aauthMcpFetch(client),
      // The ConsentRequiredError crosses the MCP transport intact: no client needed to keep the URL.
      errorFunction: aauthMcpErrorFunction(),
    });
    await server.connect();
    const model = new ScriptedModel([
      [
        functionCall('list_notes', {}, { callId: 'call_1' }),
        functionCall('add_note', { text: 'milk' }, { callId: 'call_2' }),
      ],
      [assistantMessage('Please approve the link.')],
      [functionCall('add_note', { text: 'milk' }, { callId: 'call_3' })],
      [assistantMessage('Saved.')],
    ]);
    const agent = new Agent({ name: 'notes', instructions: 'help', model, mcpServers: [server] });

    const first = await run(agent, 'list my notes and add milk');
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });

    expect(JSON.parse(outputSeen(model, 1, 'call_1'))).toEqual([{ id: 'n1', text: 'buy milk' }]);
    expect(outputSeen(model, 1, 'call_2')).toContain(`Approval link: ${asked.url} (code ${asked.code})`);
    // Every MCP request that reached the endpoint was signed and verified there (initialize included).
    const mcpCalls = w.notes.verified.filter((call) => call.path === '/mcp');
    expect(mcpCalls.length).toBeGreaterThanOrEqual(3);
    expect(mcpCalls.every((call) => call.identity.agentId === w.agentId)).toBe(true);
    expect(w.notes.received.filter((r) => r.path === '/mcp').every((r) => r.signed)).toBe(true);

    await personTakesAMoment();
    await w.dev.simulatedUser.approve(asked.code);
    await run(agent, [...first.history, { role: 'user', content: 'approved' }]);

    expect(outputSeen(model, 3, 'call_3')).toBe('saved {"id":"n2","text":"milk"}');
    const write = w.notes.verified.find((call) => call.body.includes('"add_note"'));
    expect(write?.identity.kind).toBe('auth');
    expect(write?.identity.scope).toEqual([NOTES_WRITE_SCOPE]);
    expect(w.authTokenRequests()).toBe(1);
  });
});

describe('aauthMcpErrorFunction with the client', () => {
  it("reports the client's pending consent for the server when the error itself lost it", async () => {
    world = await startWorld();
    const w = world;
    const client = w.client({ consent: 'throw' });
    const failure = await client
      .fetch(`${w.notes.origin}/notes`, { method: 'POST', body: '{}' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConsentRequiredError);
    const asked = await w.dev.simulatedUser.next({ timeoutMs: 5_000 });
    const fn = aauthMcpErrorFunction({ client, url: `${w.notes.origin}/mcp` });
    const text = await fn({ context: new RunContext(), error: new TypeError('stream closed') });
    expect(text).toContain(`Approval link: ${asked.url}`);
    expect(() => aauthMcpFetch(client, { consent: 'later' as never })).toThrow(ConfigurationError);
    expect(() => aauthMcpFetch({} as never)).toThrow(ConfigurationError);
    const elsewhere = aauthMcpErrorFunction({ client, url: 'https://other.example/mcp' });
    expect(await elsewhere({ context: new RunContext(), error: new TypeError('x') })).toBe(
      DEFAULT_TOOL_ERROR_TEXT,
    );
  });
});

describe('aauthMcpErrorFunction', () => {
  const context = new RunContext();
  const interaction: Interaction = {
    kind: 'interaction',
    interactionUrl: 'https://ps.example/consent?code=ABCD-1234',
    url: 'https://ps.example/consent',
    code: 'ABCD-1234',
    resource: 'https://mcp.example',
    scope: ['notes.write'],
    expiresAt: 0,
    server: 'person-server',
    pendingId: 'pc_1',
  };

  it('keeps the URL of an AAuth consent error, even wrapped as a cause', async () => {
    const pending = { id: 'pc_1' } as ConsentRequiredError['pending'];
    const wrapped = new TypeError('transport failed', {
      cause: new ConsentRequiredError(interaction, pending),
    });
    const text = await aauthMcpErrorFunction()({ context, error: wrapped });
    expect(text).toContain('Approval link: https://ps.example/consent?code=ABCD-1234 (code ABCD-1234)');
    const denied = await aauthMcpErrorFunction()({
      context,
      error: new ConsentDeniedError('https://mcp.example', 'denied', 403),
    });
    expect(denied).toMatch(/^AAuth consent denied/);
  });

  it('keeps the URL of a -32042 URL elicitation (v1 data shape and v2 property shape), http(s) only', async () => {
    const fn = aauthMcpErrorFunction();
    const v1 = {
      code: URL_ELICITATION_REQUIRED,
      data: { elicitations: [{ mode: 'url', url: 'https://ps.example/c' }] },
    };
    const v2 = {
      code: URL_ELICITATION_REQUIRED,
      elicitations: [{ mode: 'url', url: 'https://ps.example/d' }],
    };
    const bad = {
      code: URL_ELICITATION_REQUIRED,
      elicitations: [{ mode: 'url', url: 'javascript:alert(1)' }],
    };
    expect(await fn({ context, error: v1 })).toContain('https://ps.example/c');
    expect(await fn({ context, error: v2 })).toContain('https://ps.example/d');
    expect(await fn({ context, error: bad })).toBe(DEFAULT_TOOL_ERROR_TEXT);
  });

  it('falls back to the given function for other errors', async () => {
    const fn = aauthMcpErrorFunction({ fallback: ({ error }) => `other: ${(error as Error).message}` });
    expect(await fn({ context, error: new TypeError('nope') })).toBe('other: nope');
  });
});
