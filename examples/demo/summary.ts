/**
 * The summary: one row per call an agent made to a resource, built from what the agents sent (the
 * exchange log) joined with what the resources recorded they verified. A call is a run of consecutive
 * requests to the same route (MCP: the same tool): the challenges the client answered on the way
 * (401 person-token, 401 auth-token, a consent) fold into the row of the request that finally went
 * through, and the row shows that request.
 */
import type { Exchange, PresentedToken } from './exchanges.js';
import type { ConsentRecord } from './person.js';

/** A request a resource recorded as verified (signature, token and route requirement). */
export interface Verification {
  /** base64 of the verified signature bytes. */
  signature: string;
  /** The token kind the resource verified. */
  kind: string;
}

/** How a request to the documents API is named in the summary (the examples' tools). */
export interface RouteName {
  method: string;
  path: RegExp;
  call: string;
}

export const DOCUMENT_ROUTES: readonly RouteName[] = [
  { method: 'GET', path: /^\/documents$/, call: 'list_documents' },
  { method: 'POST', path: /^\/documents\/[^/]+\/summary$/, call: 'summarize_document' },
  { method: 'GET', path: /^\/documents\/[^/]+$/, call: 'read back (after the run)' },
];

export interface CallRow {
  adapter: string;
  call: string;
  /** Method and path (MCP: plus the JSON-RPC method). */
  request: string;
  status: number | undefined;
  signed: boolean;
  /** A resource recorded this very request (by its signature) as verified, with the token presented. */
  verified: boolean;
  token: PresentedToken | undefined;
  /** Seconds the call waited for the person; undefined when it needed no consent. */
  consentSeconds: number | undefined;
  ok: boolean;
}

/** A resource the agents call: an HTTP API (every request is a call) or an MCP server (tool calls). */
export interface ResourceOrigin {
  origin: string;
  kind: 'http' | 'mcp';
}

export interface SummaryInput {
  exchanges: readonly Exchange[];
  /** The resources; requests to other hosts (Agent Provider, Person Server) are protocol traffic. */
  resources: readonly ResourceOrigin[];
  verifications: readonly Verification[];
  consents: readonly ConsentRecord[];
  routes?: readonly RouteName[];
}

function callOf(
  exchange: Exchange,
  kind: ResourceOrigin['kind'],
  routes: readonly RouteName[],
): { call: string; request: string } | undefined {
  const path = exchange.url.pathname;
  if (kind === 'mcp') {
    // Session traffic (initialize, lists, notifications, the event stream) is not a call.
    if (exchange.tool === undefined) return undefined;
    return { call: exchange.tool, request: `${exchange.method} ${path} tools/call` };
  }
  const route = routes.find((r) => r.method === exchange.method && r.path.test(path));
  return { call: route?.call ?? '—', request: `${exchange.method} ${path}${exchange.url.search}` };
}

export function callRows(input: SummaryInput): CallRow[] {
  const routes = input.routes ?? DOCUMENT_ROUTES;
  const resources = new Map(input.resources.map((r) => [r.origin, r.kind]));
  const verified = new Map(input.verifications.map((v) => [v.signature, v.kind]));
  const groups: { adapter: string; call: string; request: string; exchanges: Exchange[] }[] = [];
  for (const exchange of input.exchanges) {
    const kind = resources.get(exchange.url.origin);
    if (kind === undefined) continue;
    const named = callOf(exchange, kind, routes);
    if (named === undefined) continue;
    const last = groups.findLast((g) => g.adapter === exchange.adapter);
    if (last !== undefined && last.request === named.request && last.call === named.call) {
      last.exchanges.push(exchange);
    } else {
      groups.push({ adapter: exchange.adapter, ...named, exchanges: [exchange] });
    }
  }
  // A consent belongs to the call its agent last started at that resource before the person was asked
  // (the call that ran into it, which ends there when the person denies).
  const waits = new Map<number, number>();
  for (const consent of input.consents) {
    const index = groups.findLastIndex(
      (g) =>
        g.adapter === consent.adapter &&
        g.exchanges[0]!.url.origin === consent.resource &&
        g.exchanges[0]!.startedAt <= consent.shownAt,
    );
    if (index >= 0) {
      const waited = (consent.decidedAt ?? Date.now()) - consent.shownAt;
      waits.set(index, (waits.get(index) ?? 0) + waited);
    }
  }
  return groups.map(({ adapter, call, request, exchanges }, index) => {
    const final = exchanges.at(-1)!;
    const waitedMs = waits.get(index);
    const consentSeconds = waitedMs === undefined ? undefined : waitedMs / 1000;
    const verifiedKind = final.signature === undefined ? undefined : verified.get(final.signature);
    const isVerified = verifiedKind !== undefined && verifiedKind === final.token;
    const status = final.status;
    return {
      adapter,
      call,
      request,
      status,
      signed: final.signed,
      verified: isVerified,
      token: final.token,
      consentSeconds,
      ok: status !== undefined && status >= 200 && status < 300 && final.signed && isVerified,
    };
  });
}

const HEADERS = ['Adapter', 'Call', 'Request', 'Status', 'Signed', 'Verified', 'Token', 'Consent waited'];

function cells(row: CallRow): string[] {
  return [
    row.adapter,
    row.call,
    row.request,
    row.status === undefined ? '—' : String(row.status),
    row.signed ? 'yes' : 'NO',
    row.verified ? 'yes' : 'NO',
    row.token ?? '—',
    row.consentSeconds === undefined ? 'no' : `yes, ${row.consentSeconds.toFixed(1)} s`,
  ];
}

/** The table, as lines (plain text, no colour: it ends up in CI logs too). */
export function renderTable(rows: readonly CallRow[]): string[] {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    format(HEADERS),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map((row) => format(cells(row))),
  ];
}

/** The expected calls an adapter's agent never got through (no successful row names them). */
export function missingCalls(
  rows: readonly CallRow[],
  adapters: readonly { name: string; expects: readonly string[] }[],
): { adapter: string; call: string }[] {
  return adapters.flatMap(({ name, expects }) =>
    expects
      .filter((call) => !rows.some((row) => row.adapter === name && row.call === call && row.ok))
      .map((call) => ({ adapter: name, call })),
  );
}

/** The one-line total. */
export function totalLine(rows: readonly CallRow[], adapters: number): string {
  const ok = rows.filter((r) => r.ok).length;
  const signed = rows.filter((r) => r.signed).length;
  const verified = rows.filter((r) => r.verified).length;
  const consents = rows.filter((r) => r.consentSeconds !== undefined);
  const waited = consents.reduce((sum, r) => sum + (r.consentSeconds ?? 0), 0);
  return (
    `Total: ${rows.length} calls through ${adapters} adapters, ${ok} succeeded; ` +
    `${signed} signed, ${verified} verified by the resource; ` +
    `${consents.length} waited for consent (${waited.toFixed(1)} s)`
  );
}
