/**
 * Route requirements and the escalation decision (P11 #resource-tokens: agent-token → person-token →
 * auth-token). Pure: given the kind of token a verified request presented and what it grants, say whether
 * the route is satisfied or which challenge to answer.
 */
import { InvalidArgumentError } from '@aauth-kit/core';
import { ACCEPTABLE_KINDS } from './constants.js';
import { coversScopes, normalizeRouteScope } from './scope.js';
import type { AcceptableTokenKind, RouteRequirement } from './types.js';

export interface NormalizedRoute {
  accept: ReadonlySet<AcceptableTokenKind>;
  scope: readonly string[];
}

/** What to do with a verified request. */
export type RouteDecision =
  | { action: 'accept' }
  /** 401 requirement=agent-token / person-token. */
  | { action: 'challenge'; requirement: 'agent-token' | 'person-token' }
  /** 401 requirement=auth-token with a fresh resource token (first challenge or step-up). */
  | { action: 'resource-token' };

const LEVEL: Readonly<Record<AcceptableTokenKind, number>> = { agent: 0, person: 1, auth: 2 };

const normalized = new WeakMap<RouteRequirement, NormalizedRoute>();

function isAcceptableKind(value: unknown): value is AcceptableTokenKind {
  return typeof value === 'string' && (ACCEPTABLE_KINDS as readonly string[]).includes(value);
}

/**
 * Validate a route once (cached per route object). A route is a programming artifact, so a bad one is an
 * InvalidArgumentError rather than a response.
 */
export function normalizeRoute(route: RouteRequirement): NormalizedRoute {
  const cached = normalized.get(route);
  if (cached !== undefined) return cached;
  if (
    typeof route !== 'object' ||
    route === null ||
    !Array.isArray(route.accept) ||
    route.accept.length === 0
  ) {
    throw new InvalidArgumentError('a route needs a non-empty accept list of token kinds');
  }
  const accept = new Set<AcceptableTokenKind>();
  for (const kind of route.accept) {
    if (!isAcceptableKind(kind)) {
      throw new InvalidArgumentError(
        `route accept entry ${JSON.stringify(kind)} is not agent, person or auth`,
      );
    }
    accept.add(kind);
  }
  const scope = normalizeRouteScope(route.scope);
  if (scope.length > 0 && !accept.has('auth')) {
    throw new InvalidArgumentError(
      'a route with scopes must accept auth tokens: only auth tokens grant scope',
    );
  }
  if (route.session !== undefined) {
    if (route.session !== 'issue' && route.session !== 'accept') {
      throw new InvalidArgumentError(`route session ${JSON.stringify(route.session)} is not issue or accept`);
    }
    // Session tokens ride on the agent token (P11 #aauth-access), so the route must accept it.
    if (!accept.has('agent')) {
      throw new InvalidArgumentError('a route with session must accept agent tokens');
    }
  }
  const result: NormalizedRoute = { accept, scope };
  normalized.set(route, result);
  return result;
}

/**
 * Decide for a verified token of `kind` granting `granted` scopes:
 * - accepted kind (and, with route scopes, an auth token granting them all) → accept;
 * - an auth token lacking scopes → step-up (a new resource token);
 * - a weaker token than some accepted kind → the next step up: agent → person-token, person → auth-token;
 * - a stronger token than every accepted kind → ask for the strongest accepted kind below it.
 */
export function decide(
  kind: AcceptableTokenKind,
  granted: readonly string[],
  route: NormalizedRoute,
): RouteDecision {
  if (route.accept.has(kind)) {
    if (route.scope.length === 0) return { action: 'accept' };
    if (kind === 'auth') {
      return coversScopes(granted, route.scope) ? { action: 'accept' } : { action: 'resource-token' };
    }
    // Agent and person tokens carry no scope: escalate towards the auth token the route also accepts.
  }
  const level = LEVEL[kind];
  let strongest = -1;
  let hasStronger = false;
  for (const accepted of route.accept) {
    const acceptedLevel = LEVEL[accepted];
    if (acceptedLevel > level) hasStronger = true;
    else if (acceptedLevel < level && acceptedLevel > strongest) strongest = acceptedLevel;
  }
  if (hasStronger) {
    return kind === 'agent'
      ? { action: 'challenge', requirement: 'person-token' }
      : { action: 'resource-token' };
  }
  return { action: 'challenge', requirement: strongest === LEVEL.person ? 'person-token' : 'agent-token' };
}
