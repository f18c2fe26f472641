/**
 * pnpm bench, resource part (run by bench/run.ts; also runs alone:
 * `tsx --conditions=@aauth-kit/source bench/resource.ts`).
 *
 * What `@aauth-kit/resource` adds on top of core's verification, without any network in between: the
 * same warm agent token, every request freshly signed (with a nonce), verified by
 *  - core:      `createRequestVerifier({ accept: ['agent'] }).verify(request)`;
 *  - resource:  `resource.verify(request, { accept: ['agent'] })` (body read, replay store, route, identity);
 *  - node:http: `verifyNodeRequest(resource, incomingMessage, route)` (IncomingMessage → Request first).
 * Requests are signed and built before timing; batches run in interleaved rounds (order rotated per
 * round) and per-call medians over rounds are reported with the ratios taken within each round.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  createDiscovery,
  createRequestVerifier,
  DEVELOPMENT_EGRESS,
  generateKeyPair,
  mintAgentToken,
  signMessage,
} from '@aauth-kit/core';
import { createResource } from '@aauth-kit/resource';
import { verifyNodeRequest } from '@aauth-kit/resource/node';

const AGENT_SERVER = 'http://localhost:9101';
const RESOURCE = 'http://localhost:9102';
const ROUTE = { accept: ['agent'] } as const;

/** The Agent Provider's metadata and JWKS, answered in memory. */
function providerFetch(jwks: unknown): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/.well-known/aauth-agent.json')) {
      return json({ issuer: AGENT_SERVER, jwks_uri: `${AGENT_SERVER}/.well-known/jwks.json` });
    }
    if (url.endsWith('/.well-known/jwks.json')) return json(jwks);
    return new Response('{}', { status: 404 });
  }) as typeof fetch;
}

interface SignedGet {
  url: string;
  headers: Record<string, string>;
}

/** A node:http request as the server would hand it over (GET, no body). */
function incomingMessage(signed: SignedGet): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  const url = new URL(signed.url);
  req.method = 'GET';
  req.url = `${url.pathname}${url.search}`;
  const raw: string[] = ['Host', url.host];
  for (const [name, value] of Object.entries(signed.headers)) raw.push(name, value);
  req.rawHeaders = raw;
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  req.headers = headers;
  req.push(null);
  return req;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface ResourceBenchResult {
  core: number;
  resource: number;
  node: number;
}

/** Per-call µs (medians over rounds) of core verify, resource.verify and verifyNodeRequest. */
export async function measureResourceVerify(
  rounds = Number(process.env.BENCH_ROUNDS ?? 7),
  batch = 400,
): Promise<ResourceBenchResult & { resourceRatio: number; nodeRatio: number }> {
  const [provider, agent, resourceKey] = await Promise.all([
    generateKeyPair(),
    generateKeyPair(),
    generateKeyPair(),
  ]);
  const fetchImpl = providerFetch(provider.jwks);
  const agentToken = await mintAgentToken(
    { iss: AGENT_SERVER, sub: 'aauth:bench@localhost', cnf: { jwk: agent.publicJwk } },
    { signer: provider.signer, kid: provider.kid, allowLocalhostHttp: true },
  );
  const resource = createResource({
    issuer: RESOURCE,
    signer: resourceKey.signer,
    development: true,
    fetch: fetchImpl,
  });
  const core = createRequestVerifier({
    accept: ['agent'],
    development: true,
    discovery: createDiscovery({ fetch: fetchImpl, egress: DEVELOPMENT_EGRESS }),
    authority: new URL(RESOURCE).host,
  });

  const signOptions = {
    signer: agent.signer,
    signatureKey: { scheme: 'jwt', jwt: agentToken },
    nonce: true,
  } as const;
  let n = 0;
  async function signedBatch(): Promise<SignedGet[]> {
    const out: SignedGet[] = [];
    for (let i = 0; i < batch; i++) {
      const url = `${RESOURCE}/signed?n=${n++}`;
      const headers = await signMessage({ method: 'GET', url, headers: {} }, signOptions);
      out.push({ url, headers: { ...headers } });
    }
    return out;
  }
  const toRequest = (s: SignedGet) => new Request(s.url, { headers: s.headers });

  type Variant = readonly [
    name: keyof ResourceBenchResult,
    prepare: (s: SignedGet) => unknown,
    run: (x: never) => Promise<unknown>,
  ];
  const variants: Variant[] = [
    ['core', toRequest, (r: Request) => core.verify(r)],
    [
      'resource',
      toRequest,
      async (r: Request) => {
        const outcome = await resource.verify(r, ROUTE);
        if (!outcome.ok) throw new RangeError(`resource.verify refused: ${outcome.status}`);
      },
    ],
    [
      'node',
      incomingMessage,
      async (req: IncomingMessage) => {
        const outcome = await verifyNodeRequest(resource, req, ROUTE);
        if (!outcome.ok) throw new RangeError(`verifyNodeRequest refused: ${outcome.status}`);
      },
    ],
  ];

  const perRound = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  // Round 0 warms up (token cache, JIT) and is not reported.
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const [name, prepare, run] = variants[(round + i) % variants.length]!;
      const inputs = (await signedBatch()).map(prepare) as never[];
      const started = performance.now();
      for (const input of inputs) await run(input);
      const us = ((performance.now() - started) * 1000) / inputs.length;
      if (round > 0) perRound.get(name)!.push(us);
    }
  }
  const ratio = (a: string, b: string) => {
    const left = perRound.get(a)!;
    const right = perRound.get(b)!;
    return median(left.map((value, i) => value / right[i]!));
  };
  return {
    core: median(perRound.get('core')!),
    resource: median(perRound.get('resource')!),
    node: median(perRound.get('node')!),
    resourceRatio: ratio('resource', 'core'),
    nodeRatio: ratio('node', 'core'),
  };
}

export async function runResourceBench(): Promise<void> {
  const result = await measureResourceVerify();
  const us = (value: number) => value.toFixed(1);
  console.log(
    '\nresource: resource.verify vs core verify, same warm agent token, fresh signatures (GET, nonce; per-call medians over rounds)',
  );
  console.table([
    { measure: 'core createRequestVerifier().verify (µs)', value: us(result.core) },
    { measure: "resource.verify(request, { accept: ['agent'] }) (µs)", value: us(result.resource) },
    { measure: 'verifyNodeRequest (IncomingMessage → verify) (µs)', value: us(result.node) },
    { measure: 'resource.verify / core verify', value: result.resourceRatio.toFixed(2) },
    { measure: 'verifyNodeRequest / core verify', value: result.nodeRatio.toFixed(2) },
  ]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runResourceBench();
}
