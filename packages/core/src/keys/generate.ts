/** Fresh Ed25519 / ES256 key pairs in every form the toolkit uses. */
import { ALG, type SupportedAlg } from '../constants.js';
import { generateNodeKeyPair, pkcs8Pem, privateJwkOf, spkiPem } from './backend-node.js';
import { checkAlg } from './jwk.js';
import { withKid } from './kid.js';
import { createNodeSigner } from './node-signer.js';
import type { SyncSigner } from './signer-types.js';
import { jwkThumbprint } from './thumbprint.js';
import type { Jwks, PrivateJwk, PublicJwk } from './types.js';

export interface GenerateKeyPairOptions {
  /** Default `Ed25519` (every AAuth party must support it). */
  alg?: SupportedAlg;
  /** Default: the RFC 7638 thumbprint of the public key. */
  kid?: string;
}

export interface GeneratedKeyPair {
  alg: SupportedAlg;
  kid: string;
  /** Carries `alg` and `kid`. */
  privateJwk: PrivateJwk;
  /** Carries `alg` and `kid`. */
  publicJwk: PublicJwk;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** `{ keys: [publicJwk] }`, ready to publish. */
  jwks: Jwks;
  /** node:crypto signer over the private key (synchronous sign). */
  signer: SyncSigner;
}

export async function generateKeyPair(options?: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  const alg = checkAlg(options?.alg ?? ALG.ed25519);
  const { privateKey, publicKey } = await generateNodeKeyPair(alg);
  const { d, ...material } = privateJwkOf(privateKey, alg);
  const publicJwk = withKid(material, options?.kid, () => jwkThumbprint(material));
  const kid = publicJwk.kid!;
  return {
    alg,
    kid,
    privateJwk: { ...publicJwk, d },
    publicJwk,
    privateKeyPem: pkcs8Pem(privateKey),
    publicKeyPem: spkiPem(publicKey),
    jwks: { keys: [{ ...publicJwk }] },
    signer: createNodeSigner(privateKey, { alg, kid }),
  };
}
