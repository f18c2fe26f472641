/** The node:crypto signer: synchronous, key imported once. The fast path for servers and agents. */
import type { SupportedAlg } from '../constants.js';
import { InvalidKeyError } from '../errors.js';
import {
  algOfKeyObject,
  KeyObject,
  nodeSignFunction,
  privateKeyFromJwk,
  privateKeyFromPem,
  publicJwkOf,
} from './backend-node.js';
import { isRecord, parsePrivateJwk } from './jwk.js';
import { withKid } from './kid.js';
import type { SignerOptions, SyncSigner } from './signer-types.js';
import { jwkThumbprint } from './thumbprint.js';
import type { PrivateJwk, PublicJwk } from './types.js';

interface ResolvedPrivateKey {
  key: KeyObject;
  alg: SupportedAlg;
  publicJwk: PublicJwk;
}

function fromKeyObject(key: KeyObject, expected: SupportedAlg | undefined): ResolvedPrivateKey {
  if (key.type !== 'private') throw new InvalidKeyError(`expected a private key, got a ${key.type} key`);
  const alg = algOfKeyObject(key);
  if (expected !== undefined && expected !== alg) throw new InvalidKeyError(`key is ${alg}, not ${expected}`);
  return { key, alg, publicJwk: publicJwkOf(key, alg) };
}

function looksLikeCryptoKey(value: Record<string, unknown>): boolean {
  return 'algorithm' in value && 'usages' in value && 'extractable' in value;
}

function resolvePrivateKey(input: unknown, options: SignerOptions | undefined): ResolvedPrivateKey {
  if (input instanceof KeyObject) return fromKeyObject(input, options?.alg);
  if (typeof input === 'string') return fromKeyObject(privateKeyFromPem(input), options?.alg);
  if (isRecord(input)) {
    if (looksLikeCryptoKey(input)) {
      throw new InvalidKeyError('a WebCrypto CryptoKey needs createWebCryptoSigner, not createNodeSigner');
    }
    const parsed = parsePrivateJwk(input, options?.alg === undefined ? undefined : { alg: options.alg });
    return { key: privateKeyFromJwk(parsed), alg: parsed.alg, publicJwk: parsed.publicJwk };
  }
  throw new InvalidKeyError('expected a KeyObject, a PEM string or a private JWK');
}

/**
 * Signer over node:crypto for a private KeyObject, a PKCS#8 PEM or a private JWK (Ed25519 or P-256).
 * Ed25519 signs with `crypto.sign(null, ...)`; ES256 with SHA-256 and IEEE P1363 (r || s) output.
 */
export function createNodeSigner(key: KeyObject | PrivateJwk | string, options?: SignerOptions): SyncSigner {
  const resolved = resolvePrivateKey(key, options);
  const publicJwk = Object.freeze(
    withKid(resolved.publicJwk, options?.kid, () => jwkThumbprint(resolved.publicJwk)),
  );
  return Object.freeze({ alg: resolved.alg, publicJwk, sign: nodeSignFunction(resolved.alg, resolved.key) });
}

/** Imports a PKCS#8 PEM or a private JWK into the node:crypto signer. */
export function importPrivateKey(input: string | PrivateJwk, options?: SignerOptions): SyncSigner {
  if (input instanceof KeyObject) {
    throw new InvalidKeyError('importPrivateKey takes a PEM string or a private JWK; use createNodeSigner');
  }
  return createNodeSigner(input, options);
}
