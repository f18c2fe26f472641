/**
 * pnpm bench: per-request signing and verification cost, measured side by side in one run.
 *
 * Compares aauth-kit with raw node:crypto Ed25519 over the same signature-base bytes, and with
 * @hellocoop/httpsig 2.2 doing the same job. Ratios, not absolute times, are the targets:
 *   sign   ≤ 2x raw sign,   ≥ 5x faster than @hellocoop/httpsig
 *   verify ≤ 1.5x raw verify, ≥ 5x faster than @hellocoop/httpsig
 */
import { createPrivateKey, createPublicKey, sign as rawSign, verify as rawVerify } from 'node:crypto';
import {
  createRequestVerifier,
  createSignatureBase,
  generateKeyPair,
  type HttpRequestLike,
  mintAgentToken,
  normalizeMessage,
  signMessage,
} from '@aauth-kit/core';
import { fetch as hsFetch, verify as hsVerify } from '@hellocoop/httpsig';
import { Bench } from 'tinybench';
import { runClientBench } from './client.js';

const provider = await generateKeyPair();
const agent = await generateKeyPair();
const issuer = 'https://agents.example';
const jwt = await mintAgentToken(
  { iss: issuer, sub: 'aauth:bench@agents.example', cnf: { jwk: agent.publicJwk } },
  { signer: provider.signer, kid: provider.kid },
);

const request: HttpRequestLike = {
  method: 'POST',
  url: 'https://api.example/documents/42/summary',
  headers: { 'content-type': 'application/json' },
  body: '{"length":"short","lang":"en"}',
};

// What aauth-kit signs, so raw node:crypto signs and verifies exactly the same bytes.
const signed = await signMessage(request, { signer: agent.signer, signatureKey: { scheme: 'jwt', jwt } });
const signedRequest: HttpRequestLike = { ...request, headers: { ...request.headers, ...signed } };
const components = ['@method', '@authority', '@path', 'signature-key', 'content-type', 'content-digest'];
const created = Math.floor(Date.now() / 1000);
const { base } = createSignatureBase(components, { created }, normalizeMessage(signedRequest));
const baseBytes = new TextEncoder().encode(base);
const privateKey = createPrivateKey({ key: agent.privateJwk, format: 'jwk' });
const publicKey = createPublicKey({ key: agent.publicJwk, format: 'jwk' });
const rawSignature = rawSign(null, baseBytes, privateKey);

const verifier = createRequestVerifier({ accept: ['agent'], issuerKeys: { [issuer]: provider.jwks } });
await verifier.verify(signedRequest); // warm the verified-token cache, as a resource does after the first call

const hsSigningKey = agent.privateJwk as JsonWebKey;
const { headers: hsHeaders } = await hsFetch(request.url, {
  method: request.method,
  headers: request.headers as Record<string, string>,
  body: request.body as string,
  signingKey: hsSigningKey,
  signatureKey: { type: 'jwt', jwt },
  dryRun: true,
});
const url = new URL(String(request.url));
const hsRequest = {
  method: request.method,
  authority: url.host,
  path: url.pathname,
  headers: Object.fromEntries(hsHeaders.entries()),
  body: request.body as string,
};
const hsCheck = await hsVerify(hsRequest);
if (!hsCheck.verified) throw new Error(`@hellocoop/httpsig did not verify its own request: ${hsCheck.error}`);

const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 1500), warmup: true });
bench
  .add('raw node:crypto sign', () => {
    rawSign(null, baseBytes, privateKey);
  })
  .add('aauth-kit sign', async () => {
    await signMessage(request, { signer: agent.signer, signatureKey: { scheme: 'jwt', jwt } });
  })
  .add('@hellocoop/httpsig sign', async () => {
    await hsFetch(request.url, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body as string,
      signingKey: hsSigningKey,
      signatureKey: { type: 'jwt', jwt },
      dryRun: true,
    });
  })
  .add('raw node:crypto verify', () => {
    rawVerify(null, baseBytes, publicKey, rawSignature);
  })
  .add('aauth-kit verify', async () => {
    await verifier.verify(signedRequest);
  })
  .add('@hellocoop/httpsig verify', async () => {
    await hsVerify(hsRequest);
  });

await bench.run();

const mean = (name: string): number => {
  const task = bench.getTask(name);
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`benchmark ${name} did not run`);
  return result.latency.mean * 1000; // µs
};
const rows = bench.tasks.map((t) => ({ task: t.name, 'mean µs': mean(t.name).toFixed(1) }));
console.table(rows);

const ratio = (a: string, b: string) => mean(a) / mean(b);
const targets = [
  ['sign vs raw sign', ratio('aauth-kit sign', 'raw node:crypto sign'), '<=', 2],
  ['verify vs raw verify', ratio('aauth-kit verify', 'raw node:crypto verify'), '<=', 1.5],
  ['@hellocoop sign / aauth-kit sign', ratio('@hellocoop/httpsig sign', 'aauth-kit sign'), '>=', 5],
  ['@hellocoop verify / aauth-kit verify', ratio('@hellocoop/httpsig verify', 'aauth-kit verify'), '>=', 5],
] as const;
console.table(
  targets.map(([name, value, op, target]) => ({
    ratio: name,
    measured: value.toFixed(2),
    target: `${op} ${target}`,
    met: op === '<=' ? value <= target : value >= target ? 'yes' : 'NO',
  })),
);

// The agent client's own tables (bench/client.ts): warm signed call vs unsigned, cold flow.
await runClientBench();
