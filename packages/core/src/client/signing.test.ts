import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../keys/index.js';
import { RequestSigner } from './signing.js';

const credential = { kind: 'agent' as const, token: 'a.b.c', jti: 'j', sub: 's' };

function input(body: Uint8Array | null = null) {
  return { method: 'GET', url: new URL('https://r.example/x?y=1'), headers: new Headers(), body };
}

describe('RequestSigner', () => {
  it('signs with created = now and the token in Signature-Key', async () => {
    const key = await generateKeyPair();
    const signer = new RequestSigner(key.signer, () => 1_800_000_000_500);
    const request = input();
    await signer.sign(request, credential);
    expect(request.headers.get('signature-key')).toBe('sig=jwt;jwt="a.b.c"');
    expect(request.headers.get('signature-input')).toMatch(
      /^sig=\("@method" "@authority" "@path" "@query" "signature-key"\);created=1800000000;nonce="[A-Za-z0-9_-]{22}"$/,
    );
  });

  it('makes identical requests within one second carry different signatures (replay caches)', async () => {
    const key = await generateKeyPair();
    const signer = new RequestSigner(key.signer, () => 1_800_000_000_000);
    const signatures = new Set<string>();
    const inputs = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const request = input();
      await signer.sign(request, credential);
      signatures.add(request.headers.get('signature')!);
      inputs.add(request.headers.get('signature-input')!);
    }
    expect(signatures.size).toBe(5);
    // A fresh 128-bit nonce per signature, same created: nothing to remember, across processes too.
    expect(inputs.size).toBe(5);
    for (const value of inputs) expect(value).toMatch(/;created=1800000000;nonce="[A-Za-z0-9_-]{22}"$/);
  });

  it('gives a body a content-type and a covered Content-Digest', async () => {
    const key = await generateKeyPair();
    const signer = new RequestSigner(key.signer, Date.now);
    const request = { ...input(new TextEncoder().encode('{}')), method: 'POST' };
    await signer.sign(request, credential);
    expect(request.headers.get('content-type')).toBe('application/octet-stream');
    expect(request.headers.get('content-digest')).toMatch(/^sha-256=:/);
    expect(request.headers.get('signature-input')).toContain('"content-type" "content-digest"');
  });

  it('applies a clock skew and extra components the server asked for', async () => {
    const key = await generateKeyPair();
    const signer = new RequestSigner(key.signer, () => 1_800_000_000_000);
    const request = input();
    request.headers.set('x-request-id', '7');
    await signer.sign(request, credential, { skewSeconds: 30, additionalComponents: ['x-request-id'] });
    expect(request.headers.get('signature-input')).toMatch(/"x-request-id"\);created=1800000030;nonce="/);
  });
});
