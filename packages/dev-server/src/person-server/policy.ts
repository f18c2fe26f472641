/** Evaluates consent policies for an auth token request (see `ConsentPolicy`). */
import type { ConsentPolicy } from '../options.js';

export type PolicyDecision = ConsentPolicy['decision'];

export interface PolicyOutcome {
  decision: PolicyDecision;
  /** The clarification question when `decision` is `clarify`. */
  question?: string;
}

const STRICTNESS: Record<PolicyDecision, number> = { 'auto-approve': 0, consent: 1, clarify: 2, deny: 3 };

/** Space-separated scope tokens (RFC 6749 §3.3), without duplicates. */
export function scopeTokens(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  return [...new Set(scope.split(' ').filter((token) => token !== ''))];
}

function matches(policy: ConsentPolicy, resource: string, scope: string | undefined): boolean {
  if (policy.resource !== undefined && policy.resource !== resource) return false;
  if (policy.scope !== undefined && policy.scope !== scope) return false;
  return true;
}

function decideOne(
  policies: readonly ConsentPolicy[],
  resource: string,
  scope: string | undefined,
  fallback: PolicyDecision,
): PolicyOutcome {
  const policy = policies.find((candidate) => matches(candidate, resource, scope));
  if (!policy) return { decision: fallback };
  return policy.question === undefined
    ? { decision: policy.decision }
    : { decision: policy.decision, question: policy.question };
}

/**
 * The decision for a request of `scope` at `resource`: each scope token is decided by the first matching
 * policy (or `fallback`), and the strictest decision wins. A request without scope is decided as one
 * scope-less request.
 */
export function evaluatePolicies(
  policies: readonly ConsentPolicy[],
  resource: string,
  scope: string | undefined,
  fallback: PolicyDecision = 'consent',
): PolicyOutcome {
  const tokens = scopeTokens(scope);
  const outcomes =
    tokens.length === 0
      ? [decideOne(policies, resource, undefined, fallback)]
      : tokens.map((token) => decideOne(policies, resource, token, fallback));
  let strictest = outcomes[0]!;
  for (const outcome of outcomes) {
    if (STRICTNESS[outcome.decision] > STRICTNESS[strictest.decision]) strictest = outcome;
  }
  return strictest;
}
