import { describe, expect, it } from 'vitest';
import { SignatureVerificationError } from './errors.js';
import { signMessage } from './http-signatures/sign.js';
import type { HttpRequestLike } from './http-signatures/types.js';
import { generateKeyPair } from './keys/index.js';
import { mintAgentToken } from './tokens/mint.js';
import { VerifiedTokenCache } from './tokens/verify.js';
import { createRequestVerifier, type RequestVerifierOptions } from './verify-request.js';

const ISSUER = 'https://agents.example';
const T0 = 1_800_000_000;
const LIFETIME = 3600;

const provider = await generateKeyPair();
const agent = await generateKeyPair();
const jwt = await mintAgentToken(
  { iss: ISSUER, sub: 'aauth:tester@agents.example', cnf: { jwk: agent.publicJwk } },
  { signer: provider.signer, kid: provider.kid, now: () => T0, lifetimeSeconds: LIFETIME },
);

const REQUEST: HttpRequestLike = {
  method: 'POST',
  url: 'https://resource.example/api/documents',
  headers: { 'content-type': 'application/json' },
  body: '{"title":"draft"}',
};

async function signedAt(seconds: number): Promise<HttpRequestLike> {
  const added = await signMessage(REQUEST, {
    signer: agent.signer,
    signatureKey: { scheme: 'jwt', jwt },
    now: () => seconds,
  });
  return { ...REQUEST, headers: { ...(REQUEST.headers as Record<string, string>), ...added } };
}

function verifierAt(clock: { now: number }, extra: Partial<RequestVerifierOptions> = {}) {
  return createRequestVerifier({
    accept: ['agent'],
    issuerKeys: { [ISSUER]: provider.jwks },
    now: () => clock.now,
    jwtCache: new VerifiedTokenCache(),
    ...extra,
  });
}

async function rejectionOf(pending: Promise<unknown>): Promise<SignatureVerificationError> {
  const error = await pending.then(
    () => expect.fail('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SignatureVerificationError);
  return error as SignatureVerificationError;
}

describe('createRequestVerifier', () => {
  it('answers a repeated request from the token cache with what the first verification gave', async () => {
    const clock = { now: T0 + 10 };
    const verifier = verifierAt(clock);
    const request = await signedAt(clock.now);
    const first = await verifier.verify(request);
    const second = await verifier.verify(request);
    expect(second).toEqual(first);
    expect(second.token).toBe(first.token);
    expect(second.key).toBe(first.key);
    expect(second.key).toBe(second.resolved.key);
    expect(second.token?.kind).toBe('agent');
    expect(Object.keys(second)).toEqual(Object.keys(first));
  });

  it('gives a cached token the same verdict as an uncached one once it has expired', async () => {
    const clock = { now: T0 + 10 };
    const cached = verifierAt(clock);
    await cached.verify(await signedAt(clock.now));
    clock.now = T0 + LIFETIME + 1;
    const late = await signedAt(clock.now);
    const fromCache = await rejectionOf(cached.verify(late));
    const uncached = await rejectionOf(verifierAt(clock, { jwtCache: false }).verify(late));
    expect(fromCache.signatureError).toBe('expired_jwt');
    expect(uncached.signatureError).toBe('expired_jwt');
  });

  it('reports a problem it finds without waiting as a rejected promise, never a throw', async () => {
    const clock = { now: T0 + 10 };
    const verifier = verifierAt(clock);
    const request = await signedAt(clock.now);
    await verifier.verify(request);
    const { signature: _dropped, ...headers } = request.headers as Record<string, string>;
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = verifier.verify({ ...request, headers });
    }).not.toThrow();
    expect((await rejectionOf(pending as Promise<unknown>)).signatureError).toBe('invalid_signature');
  });
});
