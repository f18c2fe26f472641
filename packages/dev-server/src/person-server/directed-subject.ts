/**
 * Directed (pairwise) subject identifiers (P11 #directed-identifiers, §11 Q12):
 * `base64url(HMAC-SHA256(secret, person ‖ 0x00 ‖ resource))`. The same person gets the same `sub` at one
 * resource, whatever the agent, and unlinkable values at different resources.
 */
import { createHmac } from 'node:crypto';

export function directedSubject(secret: Uint8Array, personId: string, resource: string): string {
  return createHmac('sha256', secret)
    .update(personId, 'utf8')
    .update(new Uint8Array([0]))
    .update(resource, 'utf8')
    .digest('base64url');
}
