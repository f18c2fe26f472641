import { CompactSign, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TokenVerificationError } from '../errors.js';
import type { VerificationKey } from '../http-signatures/types.js';
import { createVerificationKey, type GeneratedKeyPair, generateKeyPair } from '../keys/index.js';
import { craftJwt } from './__fixtures__/craft.js';
import { decodeCompactJws, encodeCompactJws, MAX_JWT_LENGTH, verifyJwsSignature } from './jws.js';

let ed: GeneratedKeyPair;
let es: GeneratedKeyPair;
let other: GeneratedKeyPair;

beforeAll(async () => {
  ed = await generateKeyPair({ kid: 'ed' });
  es = await generateKeyPair({ alg: 'ES256', kid: 'es' });
  other = await generateKeyPair({ kid: 'ed' });
});

const payload = { iss: 'https://issuer.example', n: 1 };

function rejection(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectInvalidJwt(error: unknown, claim?: string): void {
  expect(error).toBeInstanceOf(TokenVerificationError);
  expect((error as TokenVerificationError).signatureError).toBe('invalid_jwt');
  if (claim !== undefined) expect((error as TokenVerificationError).claim).toBe(claim);
}

describe('decodeCompactJws', () => {
  it('decodes header, payload, signing input and signature bytes', async () => {
    const jwt = await encodeCompactJws({ alg: 'Ed25519', typ: 'x' }, payload, ed.signer);
    const decoded = decodeCompactJws(jwt);
    expect(decoded.raw).toBe(jwt);
    expect(decoded.header).toEqual({ alg: 'Ed25519', typ: 'x' });
    expect(decoded.payload).toEqual(payload);
    expect(new TextDecoder().decode(decoded.signingInput)).toBe(jwt.slice(0, jwt.lastIndexOf('.')));
    expect(decoded.signature.byteLength).toBe(64);
  });

  it.each([
    ['padding in a segment', 'e30=.e30.AA'],
    ['whitespace in a segment', 'e3 0.e30.AA'],
    ['a standard-base64 character', 'e30.e30.A+'],
    ['a JSON array header', `${Buffer.from('[]').toString('base64url')}.e30.AA`],
    ['a JSON string payload', `e30.${Buffer.from('"x"').toString('base64url')}.AA`],
    ['a header that is not UTF-8', `${Buffer.from([0xff, 0xfe]).toString('base64url')}.e30.AA`],
    ['a signature of impossible length', 'e30.e30.A'],
    ['five parts (a JWE)', 'e30.e30.e30.e30.e30'],
  ])('refuses %s with invalid_jwt', (_what, jwt) => {
    expectInvalidJwt(rejection(() => decodeCompactJws(jwt)));
  });

  it('refuses input that is not a string, empty or too long', () => {
    for (const jwt of [undefined, 42, '', `e30.${'A'.repeat(MAX_JWT_LENGTH)}.AA`]) {
      expectInvalidJwt(rejection(() => decodeCompactJws(jwt)));
    }
  });
});

describe('verifyJwsSignature (jose compactVerify)', () => {
  it('verifies Ed25519 and ES256 tokens minted through a Signer', async () => {
    for (const pair of [ed, es]) {
      const jwt = await encodeCompactJws({ alg: pair.signer.alg }, payload, pair.signer);
      expect(await verifyJwsSignature(decodeCompactJws(jwt), createVerificationKey(pair.publicJwk))).toBe(
        true,
      );
    }
  });

  it('answers false for a signature by another key, and for a tampered payload', async () => {
    const jwt = await encodeCompactJws({ alg: 'Ed25519' }, payload, ed.signer);
    expect(await verifyJwsSignature(decodeCompactJws(jwt), createVerificationKey(other.publicJwk))).toBe(
      false,
    );
    const [h, , s] = jwt.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, n: 2 })).toString('base64url')}.${s}`;
    expect(await verifyJwsSignature(decodeCompactJws(tampered), createVerificationKey(ed.publicJwk))).toBe(
      false,
    );
  });

  it('answers false for an empty or truncated signature', async () => {
    const jwt = await encodeCompactJws({ alg: 'ES256' }, payload, es.signer);
    const key = createVerificationKey(es.publicJwk);
    const body = jwt.slice(0, jwt.lastIndexOf('.'));
    expect(await verifyJwsSignature(decodeCompactJws(`${body}.`), key)).toBe(false);
    expect(await verifyJwsSignature(decodeCompactJws(jwt.slice(0, -4)), key)).toBe(false);
  });

  it('allows only the key algorithm: a header alg other than the key alg is invalid_jwt (alg)', async () => {
    const jwt = await craftJwt({ alg: 'ES256' }, payload, es.signer);
    const error = await verifyJwsSignature(decodeCompactJws(jwt), createVerificationKey(ed.publicJwk)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectInvalidJwt(error, 'alg');
  });

  it('reports a key jose cannot import as invalid_jwt (signature), not as a crash', async () => {
    const jwt = await encodeCompactJws({ alg: 'Ed25519' }, payload, ed.signer);
    const broken: VerificationKey = {
      jwk: { kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', x: 'AA' },
      alg: 'Ed25519',
      thumbprint: 't',
      verify: () => true,
    };
    const error = await verifyJwsSignature(decodeCompactJws(jwt), broken).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectInvalidJwt(error, 'signature');
  });

  it('imports each VerificationKey once, however often it verifies', async () => {
    const jwt = await encodeCompactJws({ alg: 'Ed25519' }, payload, ed.signer);
    const real = createVerificationKey(ed.publicJwk);
    let reads = 0;
    const counted: VerificationKey = {
      get jwk() {
        reads++;
        return real.jwk;
      },
      alg: real.alg,
      thumbprint: real.thumbprint,
      verify: real.verify,
    };
    const decoded = decodeCompactJws(jwt);
    for (let i = 0; i < 3; i++) expect(await verifyJwsSignature(decoded, counted)).toBe(true);
    expect(reads).toBe(1);
  });

  it('verifies a JWS produced by jose itself (interop both ways)', async () => {
    const privateKey = await importJWK({ ...ed.privateJwk }, 'Ed25519');
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'Ed25519' })
      .sign(privateKey);
    const decoded = decodeCompactJws(jwt);
    expect(decoded.payload).toEqual(payload);
    expect(await verifyJwsSignature(decoded, createVerificationKey(ed.publicJwk))).toBe(true);
  });
});

describe('encodeCompactJws', () => {
  it('refuses a header alg that is not the signer algorithm', async () => {
    await expect(encodeCompactJws({ alg: 'ES256' }, payload, ed.signer)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
