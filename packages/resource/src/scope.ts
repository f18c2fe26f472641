/** Scope values: space-delimited scope tokens on the wire (RFC 6749 §3.3), arrays in this API. */
import { InvalidArgumentError } from '@aauth-kit/core';
import { SCOPE_TOKEN_PATTERN } from './constants.js';

/** Split a wire `scope` claim into tokens; anything that is not a string gives no scopes. */
export function parseScopeClaim(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(' ').filter((token) => token.length > 0);
}

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN_PATTERN.test(value);
}

/** Normalize a route's scope option to a de-duplicated list; invalid tokens are a programming error. */
export function normalizeRouteScope(scope: string | readonly string[] | undefined): string[] {
  if (scope === undefined) return [];
  const tokens = typeof scope === 'string' ? scope.split(' ').filter((token) => token.length > 0) : scope;
  const out: string[] = [];
  for (const token of tokens) {
    if (typeof token !== 'string' || !isScopeToken(token)) {
      throw new InvalidArgumentError(`route scope ${JSON.stringify(token)} is not a valid scope token`);
    }
    if (!out.includes(token)) out.push(token);
  }
  return out;
}

/** True when every required scope is among the granted ones. */
export function coversScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (!granted.includes(scope)) return false;
  return true;
}
