/** The parsed shape of one `Signature-Key` dictionary member (SK08 §3). */
import type { PublicJwk } from '../keys/types.js';

export interface JwtSignatureKey {
  scheme: 'jwt';
  jwt: string;
  /** Optional bare boolean `cache` parameter (SK08 §3.5). */
  cache?: boolean;
}
export interface HwkSignatureKey {
  scheme: 'hwk';
  /** The inline public key, `alg` included. Any `kid` present on the wire makes parsing fail. */
  jwk: PublicJwk;
}
export interface JwksUriSignatureKey {
  scheme: 'jwks_uri';
  id: string;
  dwk: string;
  kid: string;
}
export interface JktJwtSignatureKey {
  scheme: 'jkt-jwt';
  jwt: string;
  cache?: boolean;
}
/** A scheme this library parses but does not resolve (kept so verifiers can answer unsupported_scheme). */
export interface UnknownSignatureKey {
  scheme: string;
  params: Record<string, string | number | boolean>;
}
export type KnownSignatureKey = JwtSignatureKey | HwkSignatureKey | JwksUriSignatureKey | JktJwtSignatureKey;
export type SignatureKey = KnownSignatureKey | UnknownSignatureKey;
