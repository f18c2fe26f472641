/**
 * Token conformance against aauth-go's `testdata/vectors/jwt.json`: every positive token is checked
 * with the vector signing key as the issuer key and a clock inside iat..exp, every negative token is
 * rejected with the Signature-Error code its reason implies.
 *
 * Known divergences (aauth-go's vectors mix pre-final-11 details; final -11 governs):
 * - `aud` as an array and an `agent` claim on resource/auth tokens: parsed and accepted (array must
 *   contain the audience; `agent` is ignored). Final -11 has a single-string `aud` and no `agent`.
 * - The resource token lacks `ps`, `sub` and `presented_jti`, and the auth token lacks `ps`: final
 *   -11 makes them REQUIRED, so verifyToken rejects both vectors (invalid_jwt). The tests prove that
 *   this is the only reason: the JWS verifies, and the same claims plus the missing -11 claims,
 *   signed with the same key, verify.
 * - Byte-for-byte re-minting: the header/payload encoder and Ed25519 signer reproduce every Ed25519
 *   vector exactly (same member order, same JSON). `mintToken` itself cannot, because each vector
 *   breaks a final -11 minting rule (lifetime > 24 h for agent tokens, `aud` arrays, missing claims);
 *   those refusals are asserted below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TokenKind } from '../../packages/core/src/constants.js';
import { InvalidArgumentError, TokenVerificationError } from '../../packages/core/src/errors.js';
import {
  createNodeSigner,
  createVerificationKey,
  type PrivateJwk,
  type PublicJwk,
} from '../../packages/core/src/keys/index.js';
import {
  decodeCompactJws,
  encodeCompactJws,
  type MintClaims,
  mintToken,
  TOKEN_KIND_BY_TYP,
  verifyToken,
} from '../../packages/core/src/tokens/index.js';

interface JwtCase {
  name: string;
  typ: string;
  signing_key: PrivateJwk;
  kid: string;
  claims?: Record<string, unknown>;
  audience?: string;
  token: string;
  randomized?: boolean;
  reject?: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/aauth-go/jwt.json', import.meta.url), 'utf8'),
) as { cases: JwtCase[] };

const positives = vectors.cases.filter((c) => c.reject === undefined);
const negatives = vectors.cases.filter((c) => c.reject !== undefined);

function issuerKey(c: JwtCase): PublicJwk {
  const { d: _d, ...publicJwk } = c.signing_key;
  return publicJwk;
}

function kindOf(c: JwtCase): TokenKind {
  const kind = TOKEN_KIND_BY_TYP[c.typ];
  if (kind === undefined) throw new Error(`vector ${c.name}: unknown typ ${c.typ}`);
  return kind;
}

/** A clock one second after iat (inside iat..exp for every positive vector). */
function clockFor(c: JwtCase): () => number {
  const payload = decodeCompactJws(c.token).payload;
  const iat = typeof payload.iat === 'number' ? payload.iat : (payload.exp as number) - 60;
  return () => iat + 1;
}

function verifyVector(c: JwtCase) {
  return verifyToken(c.token, {
    key: issuerKey(c),
    accept: [kindOf(c)],
    audience: c.audience,
    now: clockFor(c),
    cache: false,
  });
}

/** Final -11 claims the pre-final-11 vectors lack, per kind. */
const MISSING_FINAL_11_CLAIMS: Partial<Record<TokenKind, Record<string, unknown>>> = {
  resource: { ps: 'https://ps.example', sub: 'user-1234', presented_jti: 'pt-3ab910' },
  auth: { ps: 'https://ps.example' },
};

/** Why `mintToken` refuses each vector's claims (final -11 minting rules). */
const MINT_REFUSAL: Record<string, RegExp> = {
  'agent token': /lifetimeSeconds/,
  'sub-agent token': /lifetimeSeconds/,
  'agent token (ES256)': /lifetimeSeconds/,
  'resource token': /lifetimeSeconds/,
  'auth token': /ps is missing/,
  'person token': /aud must be a single/,
};

describe('aauth-go jwt.json: positive tokens', () => {
  it('has the expected positive cases', () => {
    expect(positives.map((c) => c.name).sort()).toEqual(Object.keys(MINT_REFUSAL).sort());
  });

  for (const c of positives) {
    const kind = kindOf(c);
    const missing = MISSING_FINAL_11_CLAIMS[kind];

    if (missing === undefined) {
      it(`${c.name}: verifies with the vector key, claims as given`, async () => {
        const token = await verifyVector(c);
        expect(token.kind).toBe(kind);
        expect(token.header).toEqual({ alg: c.signing_key.alg, kid: c.kid, typ: c.typ });
        expect(token.claims).toEqual(c.claims);
        expect(token.cnfJwk?.x).toBe((c.claims!.cnf as { jwk: PublicJwk }).jwk.x);
      });
    } else {
      it(`${c.name}: rejected by final -11 for missing ${Object.keys(missing).join(', ')} (known divergence)`, async () => {
        const error = await verifyVector(c).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TokenVerificationError);
        expect((error as TokenVerificationError).signatureError).toBe('invalid_jwt');
        expect(Object.keys(missing)).toContain((error as TokenVerificationError).claim);
        // The JWS itself is sound.
        const decoded = decodeCompactJws(c.token);
        expect(createVerificationKey(issuerKey(c)).verify(decoded.signingInput, decoded.signature)).toBe(
          true,
        );
      });

      it(`${c.name}: with the final -11 claims added, the agent claim and aud array are accepted`, async () => {
        const signer = createNodeSigner(c.signing_key);
        const claims = { ...c.claims, ...missing };
        const jwt = await encodeCompactJws(
          { alg: c.signing_key.alg, kid: c.kid, typ: c.typ },
          claims,
          signer,
        );
        const audience = c.audience ?? (Array.isArray(claims.aud) ? (claims.aud[0] as string) : undefined);
        const token = await verifyToken(jwt, {
          key: issuerKey(c),
          accept: [kind],
          audience,
          now: clockFor(c),
          cache: false,
        });
        expect(token.claims.agent).toBe('aauth:assistant@agent.example');
        expect(Array.isArray(token.claims.aud)).toBe(true);
      });
    }

    if (!c.randomized) {
      it(`${c.name}: the JWS encoder reproduces the vector byte for byte`, async () => {
        const signer = createNodeSigner(c.signing_key);
        // aauth-go's header order is alphabetical, as is mintToken's: {alg, kid, typ}.
        const header = { alg: c.signing_key.alg, kid: c.kid, typ: c.typ };
        expect(await encodeCompactJws(header, c.claims ?? {}, signer)).toBe(c.token);
      });
    } else {
      it(`${c.name}: randomized signature, re-encoded token verifies instead`, async () => {
        const signer = createNodeSigner(c.signing_key);
        const jwt = await encodeCompactJws(
          { alg: c.signing_key.alg, kid: c.kid, typ: c.typ },
          c.claims ?? {},
          signer,
        );
        expect(jwt).not.toBe(c.token);
        expect(jwt.split('.').slice(0, 2)).toEqual(c.token.split('.').slice(0, 2));
        const token = await verifyToken(jwt, {
          key: issuerKey(c),
          accept: [kind],
          now: clockFor(c),
          cache: false,
        });
        expect(token.claims).toEqual(c.claims);
      });
    }

    it(`${c.name}: mintToken refuses the vector claims under final -11 rules`, async () => {
      const { dwk, iat, exp, jti, ...rest } = c.claims as Record<string, number | string | unknown>;
      const minting = mintToken(kind, { dwk, ...rest } as MintClaims<TokenKind>, {
        signer: createNodeSigner(c.signing_key),
        kid: c.kid,
        now: () => iat as number,
        lifetimeSeconds: (exp as number) - (iat as number),
        jti: jti as string,
      });
      await expect(minting).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(minting).rejects.toThrow(MINT_REFUSAL[c.name]);
    });
  }
});

/** The Signature-Error code and claim each negative vector must produce. */
const EXPECTED_REJECTION: Record<string, { code: string; claim: string }> = {
  // P11 §4.1: the JWS alg must be fully specified; the token is invalid.
  'JWS alg EdDSA is rejected': { code: 'invalid_jwt', claim: 'alg' },
  'JWS alg none is rejected': { code: 'invalid_jwt', claim: 'alg' },
  // cnf.jwk is the HTTP-signature key: P11 §2.4 step 6 codes (as aauth-go's SignatureErrorFor).
  'cnf.jwk without alg is rejected': { code: 'unsupported_algorithm', claim: 'cnf' },
  'cnf.jwk crv disagreeing with alg is rejected': { code: 'invalid_key', claim: 'cnf' },
  'iat absent is rejected': { code: 'invalid_jwt', claim: 'iat' },
  'iss not a server identifier is rejected': { code: 'invalid_jwt', claim: 'iss' },
  'person token carrying scope is rejected': { code: 'invalid_jwt', claim: 'scope' },
};

describe('aauth-go jwt.json: negative tokens', () => {
  it('has an expected rejection for every negative case', () => {
    expect(negatives.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED_REJECTION).sort());
  });

  for (const c of negatives) {
    it(`${c.name} (${c.reject})`, async () => {
      const error = await verifyVector(c).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TokenVerificationError);
      const expected = EXPECTED_REJECTION[c.name];
      expect((error as TokenVerificationError).signatureError).toBe(expected?.code);
      expect((error as TokenVerificationError).claim).toBe(expected?.claim);
    });
  }
});
