/** Key id selection shared by every signer: explicit kid, else the key's own, else its thumbprint. */
import { InvalidArgumentError } from '../errors.js';
import type { PublicJwk } from './types.js';

/** Returns `publicJwk` with `kid` set: `explicit`, else the JWK's own `kid`, else `thumbprint()`. */
export function withKid(publicJwk: PublicJwk, explicit: unknown, thumbprint: () => string): PublicJwk {
  if (explicit !== undefined && (typeof explicit !== 'string' || explicit.length === 0)) {
    throw new InvalidArgumentError('"kid" must be a non-empty string');
  }
  const kid = explicit ?? publicJwk.kid ?? thumbprint();
  return { ...publicJwk, kid };
}
