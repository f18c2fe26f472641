/**
 * An MCP server (SDK v1, Streamable HTTP, stateless, JSON responses) at `/mcp` of the notes resource,
 * behind AAuth verification: every MCP request needs a valid signature; `tools/call` of `add_note`
 * needs an auth token with `notes.write` (so the dev Person Server asks the person).
 */
import { readNodeBody, sendWebResponse, verifyNodeRequest } from '@aauth-kit/resource/node';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { type ExtraEndpoint, NOTES_READ, NOTES_WRITE, type NotesState } from './notes-resource.js';

function isWrite(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' && params?.name === 'add_note';
}

function notesServer(state: NotesState): McpServer {
  const server = new McpServer({ name: 'notes-mcp', version: '1.0.0' });
  server.registerTool('list_notes', { description: 'List the notes', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(state.notes) }],
  }));
  server.registerTool(
    'add_note',
    { description: 'Add a note', inputSchema: { text: z.string() } },
    async ({ text }) => {
      const note = { id: `n${state.notes.length + 1}`, text };
      state.notes.push(note);
      return { content: [{ type: 'text', text: `saved ${JSON.stringify(note)}` }] };
    },
  );
  return server;
}

export function mcpEndpoint(): ExtraEndpoint {
  return async (req, res, state) => {
    if (!(req.url ?? '').startsWith('/mcp')) return false;
    const body = req.method === 'POST' ? await readNodeBody(req, 1024 * 1024) : null;
    const message: unknown = body === null ? undefined : JSON.parse(new TextDecoder().decode(body));
    const outcome = await verifyNodeRequest(
      state.resource,
      req,
      isWrite(message) ? NOTES_WRITE : NOTES_READ,
      {
        body,
      },
    );
    if (!outcome.ok) {
      await sendWebResponse(res, outcome.response);
      return true;
    }
    state.verified.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/mcp',
      identity: outcome.identity,
      body: body === null ? '' : new TextDecoder().decode(body),
    });
    const server = notesServer(state);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      transport.close().catch(() => undefined);
      server.close().catch(() => undefined);
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, message);
    return true;
  };
}
