/** Unguessable identifiers (CSPRNG). */
import { randomBytes } from 'node:crypto';

/** `bytes` random bytes as unpadded base64url (16 bytes = 128 bits by default). */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
