/** Verifies the RFC 9421 signature of a node:http request against a role's canonical identifier. */
import {
  type SignatureKey,
  type SignatureKeyResolver,
  type VerifiedSignature,
  verifyMessageSignature,
} from '@aauth-kit/core';
import { toHttpRequestLike } from './node-request.js';
import type { RequestContext } from './router.js';
import { toSignatureProblem } from './signature-problem.js';

export interface SignedRequestPolicy {
  /** The role's server identifier: the request URL and `@authority` are rebuilt from it. */
  identifier: string;
  schemes: readonly SignatureKey['scheme'][];
  resolveKey: SignatureKeyResolver;
  /** Unix seconds. */
  now: () => number;
}

/** Reads the body (size-limited) and verifies the signature; failures become 401 + Signature-Error. */
export async function verifySignedRequest(
  ctx: RequestContext,
  policy: SignedRequestPolicy,
): Promise<{ verified: VerifiedSignature; body: Uint8Array }> {
  const body = await ctx.body();
  try {
    const verified = await verifyMessageSignature(toHttpRequestLike(ctx.req, policy.identifier, body), {
      policy: { schemes: policy.schemes, authority: new URL(policy.identifier).host },
      resolveKey: policy.resolveKey,
      now: policy.now,
      signal: ctx.signal,
    });
    return { verified, body };
  } catch (error) {
    throw toSignatureProblem(error);
  }
}
