/**
 * The agents' side of the wire. `fetchFor(adapter, base)` is handed to an agent's AAuth client as its
 * transport and notes every request: method, URL, whether it carried an HTTP message signature, which
 * token rode in `Signature-Key`, the signature bytes (to find the request again in what a resource
 * recorded), the MCP tool a JSON-RPC body calls, and the status that came back. It reads only the
 * request body the client already buffered, never the response body.
 */
import { decodeCompactJws, isKnownSignatureKey, parseSignatureKey, tokenKindForTyp } from '@aauth-kit/core';

export type PresentedToken = 'agent' | 'person' | 'auth';

export interface Exchange {
  adapter: string;
  method: string;
  url: URL;
  /** `Signature`, `Signature-Input` and `Signature-Key` were all sent. */
  signed: boolean;
  /** The token in `Signature-Key` (`sig=jwt`), by its `typ`. */
  token: PresentedToken | undefined;
  /** base64 of the signature bytes: the key that joins this request to a resource's record. */
  signature: string | undefined;
  /** JSON-RPC methods in the body (MCP). */
  rpc: string[];
  /** The tool a `tools/call` body calls. */
  tool: string | undefined;
  status: number | undefined;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | undefined;
}

export interface ExchangeLog {
  readonly exchanges: readonly Exchange[];
  fetchFor(adapter: string, base: typeof fetch): typeof fetch;
}

/** JSON-RPC bodies worth looking into are small; anything larger is not an MCP call. */
const MAX_INSPECTED_BODY = 64 * 1024;

function presentedToken(
  signatureKey: string,
): { label: string; token: PresentedToken | undefined } | undefined {
  try {
    const [entry] = parseSignatureKey(signatureKey);
    if (entry === undefined) return undefined;
    const [label, member] = entry;
    if (!isKnownSignatureKey(member) || member.scheme !== 'jwt') return { label, token: undefined };
    const kind = tokenKindForTyp(decodeCompactJws(member.jwt).header.typ);
    return { label, token: kind === 'agent' || kind === 'person' || kind === 'auth' ? kind : undefined };
  } catch {
    return undefined; // not ours to judge: the resource's verdict says what was wrong with it
  }
}

/** The byte sequence `label=:base64:` of a `Signature` header. */
function signatureBytes(signature: string, label: string): string | undefined {
  for (const member of signature.split(',')) {
    const [name, value] = member.trim().split(/=(.*)/s);
    if (name === label && value?.startsWith(':') && value.endsWith(':')) return value.slice(1, -1);
  }
  return undefined;
}

function jsonRpc(body: BodyInit | null | undefined): { rpc: string[]; tool: string | undefined } {
  const none = { rpc: [], tool: undefined };
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  else return none;
  if (text.length > MAX_INSPECTED_BODY) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return none;
  }
  const messages = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (m): m is { method?: unknown; params?: { name?: unknown } } => typeof m === 'object' && m !== null,
  );
  const rpc = messages.flatMap((m) => (typeof m.method === 'string' ? [m.method] : []));
  const call = messages.find((m) => m.method === 'tools/call' && typeof m.params?.name === 'string');
  return { rpc, tool: call === undefined ? undefined : String(call.params?.name) };
}

export function createExchangeLog(): ExchangeLog {
  const exchanges: Exchange[] = [];
  return {
    exchanges,
    fetchFor(adapter, base) {
      return async (input, init) => {
        const request = input instanceof Request ? input : undefined;
        const headers = new Headers(request?.headers);
        for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
        const signatureKey = headers.get('signature-key');
        const signature = headers.get('signature');
        const presented = signatureKey === null ? undefined : presentedToken(signatureKey);
        const exchange: Exchange = {
          adapter,
          method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
          url: new URL(request?.url ?? String(input)),
          signed: signatureKey !== null && signature !== null && headers.has('signature-input'),
          token: presented?.token,
          signature:
            signature === null || presented === undefined
              ? undefined
              : signatureBytes(signature, presented.label),
          ...jsonRpc(init?.body),
          status: undefined,
          startedAt: Date.now(),
          endedAt: undefined,
        };
        exchanges.push(exchange);
        try {
          const response = await base(input, init);
          exchange.status = response.status;
          return response;
        } finally {
          exchange.endedAt = Date.now();
        }
      };
    },
  };
}
