/**
 * pnpm bench, agent client part (run by bench/run.ts after the signing/verification tables; also runs
 * alone: `tsx --conditions=@aauth-kit/source bench/client.ts`).
 *
 * 1. Warm: a signed call through `client.fetch` (agent token, `@aauth-kit/resource` verifying it) against
 *    an unsigned global `fetch` to the same node:http server on 127.0.0.1. Reports the added latency in
 *    µs and the ratio, and the round trips per warm signed call (target: exactly 1).
 * 2. Cold flow: a fresh agent's first write to the @aauth-kit/dev-server sample resource
 *    (`POST /documents/1/summary`, auto-approved): round trips and total ms, then the same call warm.
 *
 * Bounded: BENCH_TIME_MS (default 1500) of interleaved warm calls, a handful of cold runs; a few seconds
 * in all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  type AAuthClient,
  type AAuthEvent,
  createAAuthClient,
  type GeneratedKeyPair,
  generateKeyPair,
  mintAgentToken,
  signMessage,
} from '@aauth-kit/core';
import { startDevServer } from '@aauth-kit/dev-server';
import { createResource } from '@aauth-kit/resource';
import { sendWebResponse, verifyNodeRequest } from '@aauth-kit/resource/node';

const COLD_RUNS = 5;
const WARM_COUNT_CALLS = 50;
const PAYLOAD = JSON.stringify({ ok: true, items: [1, 2, 3] });

interface Local {
  origin: string;
  close(): Promise<void>;
}

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, origin: string) => void,
): Promise<Local> {
  let origin = '';
  const server = createServer((req, res) => handler(req, res, origin));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A transport that counts the exchanges reaching it (the client's round trips, discovery included). */
function countingFetch(base: typeof fetch): { fetch: typeof fetch; count: () => number; reset: () => void } {
  let n = 0;
  const wrapped = ((input: string | URL | Request, init?: RequestInit) => {
    n++;
    return base(input, init);
  }) as typeof fetch;
  return {
    fetch: wrapped,
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

/** Agent Provider (metadata + JWKS) and a resource with a signed (agent-token) and a plain route. */
async function startLocalWorld(): Promise<{
  ap: Local;
  resource: Local;
  agentToken: string;
  agent: GeneratedKeyPair;
}> {
  const [apKey, resourceKey, agent] = await Promise.all([
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
  ]);
  const json = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  const ap = await serve((req, res, origin) => {
    if (req.url === '/.well-known/aauth-agent.json') {
      json(res, 200, JSON.stringify({ issuer: origin, jwks_uri: `${origin}/.well-known/jwks.json` }));
    } else if (req.url === '/.well-known/jwks.json') json(res, 200, JSON.stringify(apKey.jwks));
    else json(res, 404, '{"error":"not_found"}');
  });
  let resourceImpl: ReturnType<typeof createResource> | undefined;
  const resource = await serve((req, res, origin) => {
    resourceImpl ??= createResource({ issuer: origin, signer: resourceKey.signer, development: true });
    const impl = resourceImpl;
    void (async () => {
      if (req.url?.startsWith('/plain')) return json(res, 200, PAYLOAD);
      const wellKnown = impl.handleWellKnown(new Request(new URL(req.url ?? '/', origin)));
      if (wellKnown !== undefined) return sendWebResponse(res, wellKnown);
      const outcome = await verifyNodeRequest(impl, req, { accept: ['agent'] });
      if (!outcome.ok) return sendWebResponse(res, outcome.response);
      return json(res, 200, PAYLOAD);
    })().catch(() => json(res, 500, '{"error":"server_error"}'));
  });
  const agentToken = await mintAgentToken(
    { iss: ap.origin, sub: 'aauth:bench@127.0.0.1', cnf: { jwk: agent.publicJwk } },
    { signer: apKey.signer, kid: apKey.kid, allowLocalhostHttp: true },
  );
  return { ap, resource, agentToken, agent };
}

async function drain(response: Response, expected: number): Promise<void> {
  await response.arrayBuffer();
  if (response.status !== expected) {
    throw new RangeError(`benchmark call answered ${response.status}, expected ${expected}`);
  }
}

type Variant = readonly [name: string, call: () => Promise<void>];

/**
 * Runs the variants round-robin (one call each per round, in rotating order) for `budgetMs` and returns
 * the per-call samples in µs. Interleaving keeps a busy machine's drift out of the comparison, which
 * running each variant's loop in turn does not.
 */
async function interleaved(variants: readonly Variant[], budgetMs: number): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const deadline = performance.now() + budgetMs;
  for (let round = 0; performance.now() < deadline || round < 50; round++) {
    for (let i = 0; i < variants.length; i++) {
      const [name, call] = variants[(round + i) % variants.length]!;
      const started = performance.now();
      await call();
      samples.get(name)!.push((performance.now() - started) * 1000);
    }
  }
  return samples;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function warmSignedVsUnsigned(): Promise<void> {
  const world = await startLocalWorld();
  try {
    const unsignedTransport = countingFetch(globalThis.fetch.bind(globalThis));
    const signedTransport = countingFetch(globalThis.fetch.bind(globalThis));
    let requestEvents = 0;
    const client: AAuthClient = createAAuthClient({
      signer: world.agent.signer,
      agentToken: world.agentToken,
      development: true,
      fetch: signedTransport.fetch,
      onEvent: (event: AAuthEvent) => {
        if (event.phase === 'request') requestEvents++;
      },
    });
    // Every call gets its own query: thousands of byte-identical requests per second would exceed what
    // the client can make unique within one `created` second (see signing.ts), and the resource's replay
    // cache would rightly refuse the repeats. Every variant pays for the same query.
    let n = 0;
    const signedUrl = () => `${world.resource.origin}/signed?n=${n++}`;
    const plainUrl = () => `${world.resource.origin}/plain?n=${n++}`;
    // First signed call: the resource discovers the AP's key (not part of the warm measurement).
    await drain(await client.fetch(signedUrl()), 200);

    // What signing + verification cost without the client around them: signMessage, then global fetch.
    const signatureKey = { scheme: 'jwt' as const, jwt: world.agentToken };
    const variants: Variant[] = [
      ['unsigned', async () => drain(await unsignedTransport.fetch(plainUrl()), 200)],
      [
        'by hand',
        async () => {
          const url = signedUrl();
          const headers = await signMessage(
            { method: 'GET', url, headers: {} },
            { signer: world.agent.signer, signatureKey },
          );
          await drain(await unsignedTransport.fetch(url, { headers: { ...headers } }), 200);
        },
      ],
      ['client', async () => drain(await client.fetch(signedUrl()), 200)],
    ];
    const budgetMs = Number(process.env.BENCH_TIME_MS ?? 1500);
    await interleaved(variants, Math.min(300, budgetMs / 5)); // warm-up: JIT, keep-alive sockets
    const samples = await interleaved(variants, budgetMs);

    // Round trips per warm signed call, counted at the transport and through onEvent.
    signedTransport.reset();
    requestEvents = 0;
    for (let i = 0; i < WARM_COUNT_CALLS; i++) await drain(await client.fetch(signedUrl()), 200);
    const tripsPerCall = signedTransport.count() / WARM_COUNT_CALLS;
    const eventsPerCall = requestEvents / WARM_COUNT_CALLS;

    const unsigned = median(samples.get('unsigned')!);
    const byHand = median(samples.get('by hand')!);
    const signed = median(samples.get('client')!);
    const us = (value: number) => value.toFixed(1);
    console.log(
      `\nagent client: warm signed call vs unsigned fetch, same local resource (node:http, 127.0.0.1; medians of ${samples.get('client')!.length} interleaved calls each)`,
    );
    console.table([
      { measure: 'unsigned global fetch (µs)', value: us(unsigned), target: '' },
      { measure: 'signMessage + global fetch, no client (µs)', value: us(byHand), target: '' },
      { measure: 'signed client.fetch, warm (µs)', value: us(signed), target: '' },
      { measure: 'added latency, client vs unsigned (µs)', value: us(signed - unsigned), target: '' },
      { measure: '  sign + verify + headers (µs)', value: us(byHand - unsigned), target: '' },
      { measure: '  client bookkeeping (µs)', value: us(signed - byHand), target: '' },
      { measure: 'signed / unsigned', value: (signed / unsigned).toFixed(2), target: '' },
      {
        measure: 'round trips per warm signed call (transport)',
        value: tripsPerCall.toFixed(2),
        target: tripsPerCall === 1 ? '= 1 met' : '= 1 NOT MET',
      },
      { measure: 'round trips per warm signed call (onEvent)', value: eventsPerCall.toFixed(2), target: '' },
    ]);
  } finally {
    await world.resource.close();
    await world.ap.close();
  }
}

interface ColdRun {
  ms: number;
  trips: number;
  steps: string;
}

async function coldFlow(): Promise<void> {
  const dev = await startDevServer({ autoApprove: true });
  try {
    const url = `${dev.identifiers.resource}/documents/1/summary`;
    const runs: ColdRun[] = [];
    let warmClient: { client: AAuthClient; transport: ReturnType<typeof countingFetch> } | undefined;
    for (let i = 0; i < COLD_RUNS; i++) {
      // A new agent each run: its own key, agent token, client and caches (the dev server stays up).
      const key = await generateKeyPair();
      const { agentToken } = await dev.registerAgent({ publicJwk: key.publicJwk });
      const transport = countingFetch(dev.fetch);
      const steps: string[] = [];
      const client = createAAuthClient({
        signer: key.signer,
        agentToken,
        development: true,
        fetch: transport.fetch,
        onEvent: (event) => {
          if (event.phase === 'response') steps.push(`${event.step} ${event.status}`);
        },
      });
      const started = performance.now();
      await drain(await client.fetch(url, { method: 'POST' }), 201);
      runs.push({ ms: performance.now() - started, trips: transport.count(), steps: steps.join(' → ') });
      warmClient = { client, transport };
    }
    if (warmClient === undefined) throw new RangeError('no cold run');

    const { client, transport } = warmClient;
    transport.reset();
    const started = performance.now();
    for (let i = 0; i < WARM_COUNT_CALLS; i++) await drain(await client.fetch(url, { method: 'POST' }), 201);
    const warmMs = (performance.now() - started) / WARM_COUNT_CALLS;
    const warmTrips = transport.count() / WARM_COUNT_CALLS;

    const coldMs = runs.map((r) => r.ms);
    const mean = coldMs.reduce((a, b) => a + b, 0) / coldMs.length;
    console.log(
      `\nagent client: cold flow, dev-server sample resource POST /documents/1/summary (autoApprove, ${COLD_RUNS} fresh agents)`,
    );
    console.table([
      { measure: 'cold call, first run (ms)', value: runs[0]!.ms.toFixed(2) },
      { measure: `cold call, mean of ${COLD_RUNS} (ms)`, value: mean.toFixed(2) },
      { measure: 'cold call, fastest (ms)', value: Math.min(...coldMs).toFixed(2) },
      { measure: 'cold call round trips', value: [...new Set(runs.map((r) => r.trips))].join(' / ') },
      { measure: `warm call, mean of ${WARM_COUNT_CALLS} (ms)`, value: warmMs.toFixed(3) },
      { measure: 'warm call round trips', value: warmTrips.toFixed(2) },
    ]);
    console.log(`cold exchanges: ${runs[runs.length - 1]!.steps}`);
  } finally {
    await dev.close();
  }
}

export async function runClientBench(): Promise<void> {
  await warmSignedVsUnsigned();
  await coldFlow();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runClientBench();
}
