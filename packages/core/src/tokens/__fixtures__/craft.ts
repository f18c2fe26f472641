/** Hand-built JWTs for rejection tests: any header, any payload, any signing function. */
import { createHmac } from 'node:crypto';
import type { Signer } from '../../keys/types.js';
import { encodeBase64Url, utf8 } from '../../util/base64.js';

export type SignFn = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export async function craftJwt(header: unknown, payload: unknown, sign: SignFn | Signer): Promise<string> {
  const input = `${encodeBase64Url(utf8(JSON.stringify(header)))}.${encodeBase64Url(utf8(JSON.stringify(payload)))}`;
  const fn = typeof sign === 'function' ? sign : (data: Uint8Array) => sign.sign(data);
  return `${input}.${encodeBase64Url(await fn(utf8(input)))}`;
}

/** HMAC-SHA256 "signature": the symmetric algorithm an attacker would try with a public key as secret. */
export function hmacSigner(secret: string): SignFn {
  return (data) => new Uint8Array(createHmac('sha256', secret).update(data).digest());
}

export const unsigned: SignFn = () => new Uint8Array(0);
