import { generateKeyPair, mintAgentToken } from '@aauth-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ID, createWorld, signedRequest, type World } from './__fixtures__/world.js';
import { createResource } from './resource.js';

const RESOURCE = 'http://127.0.0.1:4100';
/** Order of the P-256 group: (r, n − s) is a second valid ECDSA signature for (r, s). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(() => world.close());

function malleate(signatureHeader: string): string {
  const match = /^sig=:([^:]+):$/.exec(signatureHeader);
  if (!match?.[1]) throw new Error(`unexpected Signature header ${signatureHeader}`);
  const bytes = Buffer.from(match[1], 'base64');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
  return `sig=:${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64')}:`;
}

describe('replay protection', () => {
  it('refuses a replayed ES256 request whose signature was re-encoded as (r, n − s)', async () => {
    const key = await generateKeyPair({ alg: 'ES256' });
    const token = await mintAgentToken(
      { iss: world.ap.issuer, sub: AGENT_ID, cnf: { jwk: key.publicJwk }, ps: world.ps.issuer },
      { signer: world.ap.key.signer, kid: world.ap.key.kid, allowLocalhostHttp: true },
    );
    const resource = createResource({ issuer: RESOURCE, signer: world.ps.key.signer, development: true });
    const original = await signedRequest(world, `${RESOURCE}/docs`, token, { signer: key.signer });
    const headers = new Headers(original.headers);
    headers.set('signature', malleate(headers.get('signature') ?? ''));
    const replay = new Request(original.url, { headers });

    expect((await resource.verify(original, { accept: ['agent'] })).ok).toBe(true);
    const outcome = await resource.verify(replay, { accept: ['agent'] });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain('replayed');
  });
});
