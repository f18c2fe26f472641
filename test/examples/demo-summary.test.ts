import { generateKeyPair, mintAgentToken, signMessage } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { createExchangeLog, type Exchange } from '../../examples/demo/exchanges.js';
import type { ConsentRecord } from '../../examples/demo/person.js';
import { callRows, missingCalls, renderTable, totalLine } from '../../examples/demo/summary.js';

const API = 'http://localhost:4000';
const MCP = 'http://localhost:5000';
const resources = [
  { origin: API, kind: 'http' as const },
  { origin: MCP, kind: 'mcp' as const },
];

let clock = 1_000;
/** An exchange as the log notes it; `url` as a string for brevity. */
function exchange(partial: Partial<Omit<Exchange, 'url'>> & { method: string; url: string }): Exchange {
  clock += 100;
  return {
    adapter: 'Agent',
    signed: true,
    token: 'agent',
    signature: `sig-${clock}`,
    rpc: [],
    tool: undefined,
    status: 200,
    startedAt: clock,
    endedAt: clock + 10,
    ...partial,
    url: new URL(partial.url),
  };
}

describe('demo summary', () => {
  it('folds the challenges of a call into one row showing the request that went through, verified by its signature', () => {
    const write = [
      exchange({ method: 'POST', url: `${API}/documents/1/summary`, status: 401 }),
      exchange({ method: 'POST', url: `${API}/documents/1/summary`, status: 401, token: 'person' }),
      exchange({ method: 'POST', url: `${API}/documents/1/summary`, status: 201, token: 'auth' }),
    ];
    const read = exchange({ method: 'GET', url: `${API}/documents` });
    const consent: ConsentRecord = {
      adapter: 'Agent',
      resource: API,
      scope: ['documents.write'],
      shownAt: write[1]!.endedAt! + 1,
      decidedAt: write[1]!.endedAt! + 1_501,
    };
    const rows = callRows({
      exchanges: [read, exchange({ method: 'GET', url: 'http://localhost:6000/pending/x' }), ...write],
      resources,
      verifications: [
        { signature: read.signature!, kind: 'agent' },
        { signature: write[2]!.signature!, kind: 'auth' },
      ],
      consents: [consent],
    });
    expect(rows).toEqual([
      {
        adapter: 'Agent',
        call: 'list_documents',
        request: 'GET /documents',
        status: 200,
        signed: true,
        verified: true,
        token: 'agent',
        consentSeconds: undefined,
        ok: true,
      },
      {
        adapter: 'Agent',
        call: 'summarize_document',
        request: 'POST /documents/1/summary',
        status: 201,
        signed: true,
        verified: true,
        token: 'auth',
        consentSeconds: 1.5,
        ok: true,
      },
    ]);
  });

  it('does not call a request verified unless a resource recorded that very signature with the token presented', () => {
    const unrecorded = exchange({ method: 'GET', url: `${API}/documents` });
    const otherKind = exchange({ method: 'GET', url: `${API}/documents/2`, token: 'auth' });
    const unsigned = exchange({
      method: 'GET',
      url: `${API}/documents/3`,
      signed: false,
      signature: undefined,
    });
    const rows = callRows({
      exchanges: [unrecorded, otherKind, unsigned],
      resources,
      verifications: [{ signature: otherKind.signature!, kind: 'agent' }],
      consents: [],
    });
    expect(rows.map((row) => [row.request, row.signed, row.verified, row.ok])).toEqual([
      ['GET /documents', true, false, false],
      ['GET /documents/2', true, false, false],
      ['GET /documents/3', false, false, false],
    ]);
  });

  it('gives a consent to the call that ran into it, also when the person denied and the call ended there', () => {
    const read = exchange({ method: 'GET', url: `${API}/documents` });
    const write = exchange({
      method: 'POST',
      url: `${API}/documents/1/summary`,
      status: 401,
      token: 'person',
    });
    const denied: ConsentRecord = {
      adapter: 'Agent',
      resource: API,
      scope: ['documents.write'],
      shownAt: write.endedAt! + 5,
      decidedAt: write.endedAt! + 2_005,
    };
    const elsewhere: ConsentRecord = { ...denied, resource: MCP };
    const rows = callRows({
      exchanges: [read, write],
      resources,
      verifications: [{ signature: read.signature!, kind: 'agent' }],
      consents: [denied, elsewhere],
    });
    expect(rows.map((row) => [row.call, row.consentSeconds, row.ok])).toEqual([
      ['list_documents', undefined, true],
      ['summarize_document', 2, false],
    ]);
  });

  it('counts only MCP tool calls as calls, not the session traffic around them', () => {
    const rows = callRows({
      exchanges: [
        exchange({ method: 'POST', url: `${MCP}/mcp`, rpc: ['initialize'] }),
        exchange({ method: 'GET', url: `${MCP}/mcp` }),
        exchange({ method: 'POST', url: `${MCP}/mcp`, rpc: ['tools/call'], tool: 'list_documents' }),
        exchange({ method: 'DELETE', url: `${MCP}/mcp` }),
      ],
      resources,
      verifications: [],
      consents: [],
    });
    expect(rows.map((row) => [row.call, row.request])).toEqual([['list_documents', 'POST /mcp tools/call']]);
  });

  it('names the expected calls an adapter never got through, and totals the rows', () => {
    const ok = exchange({ method: 'GET', url: `${API}/documents` });
    const failed = exchange({ method: 'POST', url: `${API}/documents/1/summary`, status: 401 });
    const rows = callRows({
      exchanges: [ok, failed],
      resources,
      verifications: [{ signature: ok.signature!, kind: 'agent' }],
      consents: [],
    });
    expect(
      missingCalls(rows, [{ name: 'Agent', expects: ['list_documents', 'summarize_document'] }]),
    ).toEqual([{ adapter: 'Agent', call: 'summarize_document' }]);
    expect(totalLine(rows, 1)).toBe(
      'Total: 2 calls through 1 adapters, 1 succeeded; 2 signed, 1 verified by the resource; 0 waited for consent (0.0 s)',
    );
    const table = renderTable(rows);
    expect(table[0]).toMatch(/^Adapter +Call +Request +Status +Signed +Verified +Token +Consent waited$/);
    expect(table[2]).toMatch(/^Agent +list_documents +GET \/documents +200 +yes +yes +agent +no$/);
    expect(table[3]).toMatch(
      /^Agent +summarize_document +POST \/documents\/1\/summary +401 +yes +NO +agent +no$/,
    );
    // Columns line up.
    expect(table[2]!.indexOf('200')).toBe(table[0]!.indexOf('Status'));
    expect(table[3]!.indexOf('401')).toBe(table[0]!.indexOf('Status'));
  });
});

describe('demo exchange log', () => {
  it('notes what a signed request carried: the token kind, the signature bytes, the MCP tool, the status', async () => {
    const provider = await generateKeyPair();
    const agent = await generateKeyPair();
    const agentToken = await mintAgentToken(
      { iss: 'https://agents.example', sub: 'aauth:demo@agents.example', cnf: { jwk: agent.publicJwk } },
      { signer: provider.signer, kid: provider.kid },
    );
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'list_documents' },
    });
    const url = `${MCP}/mcp`;
    const headers = await signMessage(
      { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
      { signer: agent.signer, signatureKey: { scheme: 'jwt', jwt: agentToken } },
    );
    const log = createExchangeLog();
    const fetch = log.fetchFor('MCP client', async () => new Response('{}', { status: 200 }));
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: new TextEncoder().encode(body),
    });
    await fetch(`${API}/documents`);

    expect(response.status).toBe(200);
    const [signed, unsigned] = log.exchanges;
    expect(signed).toMatchObject({
      adapter: 'MCP client',
      method: 'POST',
      signed: true,
      token: 'agent',
      signature: /^sig=:(.*):$/.exec(headers.signature)?.[1],
      rpc: ['tools/call'],
      tool: 'list_documents',
      status: 200,
    });
    expect(signed?.endedAt).toBeGreaterThanOrEqual(signed!.startedAt);
    expect(unsigned).toMatchObject({ method: 'GET', signed: false, token: undefined, signature: undefined });
  });
});
