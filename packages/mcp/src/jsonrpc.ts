/**
 * The little JSON-RPC 2.0 the adapter needs: read the messages of a request body (single or batch),
 * their request ids and `tools/call` names, and write an error response. Bodies that are not JSON-RPC
 * give `undefined`, never an exception: the MCP layer itself answers malformed input.
 */

/** JSON-RPC request id (`null` is not a request id). */
export type JsonRpcId = string | number;

export interface JsonRpcMessageInfo {
  /** Present on requests; absent on notifications and responses. */
  id?: JsonRpcId;
  method?: string;
  /** `params.name` of a `tools/call` request. */
  toolName?: string;
}

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body text of fetch-style bodies the MCP transports send (string, bytes); undefined otherwise. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  try {
    if (body instanceof Uint8Array) return decoder.decode(body);
    if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body));
  } catch {
    return undefined;
  }
  return undefined;
}

/** Parses JSON; undefined when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function describe(message: unknown): JsonRpcMessageInfo | undefined {
  if (!isObject(message) || message.jsonrpc !== '2.0') return undefined;
  const info: JsonRpcMessageInfo = {};
  if (typeof message.method === 'string') {
    info.method = message.method;
    if (typeof message.id === 'string' || typeof message.id === 'number') info.id = message.id;
    const params = message.params;
    if (message.method === 'tools/call' && isObject(params) && typeof params.name === 'string') {
      info.toolName = params.name;
    }
  }
  return info;
}

/** The messages of a parsed JSON-RPC payload (one message or a batch); undefined if it is not JSON-RPC. */
export function describeMessages(payload: unknown): JsonRpcMessageInfo[] | undefined {
  const list = Array.isArray(payload) ? payload : [payload];
  if (list.length === 0) return undefined;
  const infos: JsonRpcMessageInfo[] = [];
  for (const message of list) {
    const info = describe(message);
    if (info === undefined) return undefined;
    infos.push(info);
  }
  return infos;
}

/** The ids of the requests in a payload (notifications and responses have none). */
export function requestIds(messages: readonly JsonRpcMessageInfo[]): JsonRpcId[] {
  const ids: JsonRpcId[] = [];
  for (const message of messages) if (message.id !== undefined) ids.push(message.id);
  return ids;
}

/**
 * A JSON-RPC error answer for each request id, as the HTTP response an MCP server would send
 * (`200 application/json`; a batch is answered with an array).
 */
export function errorResponse(ids: readonly JsonRpcId[], error: JsonRpcError, batch: boolean): Response {
  const answers = ids.map((id) => ({ jsonrpc: '2.0' as const, id, error }));
  return new Response(JSON.stringify(batch ? answers : answers[0]), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** The JSON-RPC 2.0 "Parse error" response an MCP server sends for a body that is not JSON-RPC. */
export function parseErrorResponse(): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: Invalid JSON' },
    }),
    { status: 400, headers: { 'content-type': 'application/json' } },
  );
}
