/**
 * Synchronous twins of Signature-Key resolvers. A resolver that can often answer from its caches (a
 * `jwt` token it has verified before, an inline `hwk` key) registers a twin here; the verifier asks the
 * twin first and so finishes a request without a promise chain. Internal: not exported from the package.
 */
import type { SignatureKey } from '../signature-key/types.js';
import type { ResolvedSignatureKey, SignatureKeyResolver } from './types.js';

/**
 * Answers what the resolver would, synchronously, or `undefined` when only the asynchronous resolver can
 * answer (a cache miss, a scheme that needs the network). Throws exactly what the resolver would reject
 * with.
 */
export type SyncSignatureKeyResolver = (member: SignatureKey) => ResolvedSignatureKey | undefined;

const twins = new WeakMap<SignatureKeyResolver, SyncSignatureKeyResolver>();

export function registerSyncResolver(resolver: SignatureKeyResolver, twin: SyncSignatureKeyResolver): void {
  twins.set(resolver, twin);
}

export function syncResolverOf(resolver: SignatureKeyResolver): SyncSignatureKeyResolver | undefined {
  return twins.get(resolver);
}
