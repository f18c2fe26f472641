/**
 * Resource-managed session tokens (P11 #aauth-access): the resource sends `AAuth-Access: <token68>` on
 * any response (the newest one wins), and the agent presents it as `Authorization: AAuth <token68>`,
 * covering `authorization` in its signature. These are RFC 9110 token68 values, not structured fields.
 */
import { AUTHORIZATION_SCHEME, HEADER } from '../constants.js';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';

// RFC 9110 §11.2: token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 §5.6.2 tchar, for the auth-scheme.
const AUTH_SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
const WHITESPACE = /[ \t]/;
const SCHEME_LOWER = AUTHORIZATION_SCHEME.toLowerCase();

/** True when `value` is exactly one RFC 9110 token68. */
export function isToken68(value: string): boolean {
  return typeof value === 'string' && TOKEN68.test(value);
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

/** Why `candidate` (already OWS-trimmed) is not a single token68, for the error message. */
function token68Problem(candidate: string): string {
  if (candidate.length === 0) return 'is empty';
  if (hasControlCharacter(candidate)) return 'contains control characters';
  if (candidate.includes(',')) return 'carries more than one value';
  if (WHITESPACE.test(candidate)) return 'contains whitespace';
  return 'is not a token68';
}

function trimOws(value: string): string {
  return value.replace(OWS_EDGES, '');
}

/**
 * Parse an `AAuth-Access` response header into the session token. Accepts the value as a string or as
 * the array of field lines some HTTP stacks give (exactly one line allowed).
 * @throws HeaderParseError for an empty value, several values, whitespace, control or non-token68 characters.
 */
export function parseAAuthAccess(value: string | readonly string[]): string {
  let line: unknown = value;
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw new HeaderParseError(
        HEADER.aauthAccess,
        `AAuth-Access must have exactly one value, got ${value.length}`,
      );
    }
    line = value[0];
  }
  if (typeof line !== 'string')
    throw new HeaderParseError(HEADER.aauthAccess, 'AAuth-Access must be a string');
  const token = trimOws(line);
  if (!TOKEN68.test(token)) {
    throw new HeaderParseError(HEADER.aauthAccess, `AAuth-Access ${token68Problem(token)}`);
  }
  return token;
}

function requireToken68(what: string, token: unknown): string {
  if (typeof token !== 'string' || !TOKEN68.test(token)) {
    const problem = typeof token === 'string' ? token68Problem(token) : 'is not a string';
    throw new InvalidArgumentError(`${what} ${problem}`);
  }
  return token;
}

/**
 * The `AAuth-Access` header value for a session token (the token itself, checked).
 * @throws InvalidArgumentError when the token is not a single token68.
 */
export function formatAAuthAccess(token: string): string {
  return requireToken68('session token', token);
}

/**
 * `Authorization: AAuth <token>` for a session token.
 * @throws InvalidArgumentError when the token is not a single token68.
 */
export function formatAAuthAuthorization(token: string): string {
  return `${AUTHORIZATION_SCHEME} ${requireToken68('session token', token)}`;
}

/** True when an `Authorization` value uses the AAuth scheme (case-insensitive), whatever follows. */
export function isAAuthAuthorization(value: string): boolean {
  if (typeof value !== 'string') return false;
  const trimmed = trimOws(value);
  const end = trimmed.indexOf(' ');
  return (end === -1 ? trimmed : trimmed.slice(0, end)).toLowerCase() === SCHEME_LOWER;
}

/**
 * The session token from `Authorization: AAuth <token68>`: scheme case-insensitive, one or more SP,
 * then exactly one token68 credential.
 * @throws HeaderParseError for another scheme, a missing credential, several credentials, auth-params,
 * whitespace or control characters inside the credential.
 */
export function parseAAuthAuthorization(value: string): string {
  if (typeof value !== 'string') {
    throw new HeaderParseError(HEADER.authorization, 'Authorization must be a string');
  }
  const trimmed = trimOws(value);
  const end = trimmed.indexOf(' ');
  const scheme = end === -1 ? trimmed : trimmed.slice(0, end);
  if (!AUTH_SCHEME.test(scheme) || scheme.toLowerCase() !== SCHEME_LOWER) {
    throw new HeaderParseError(HEADER.authorization, `Authorization scheme is not ${AUTHORIZATION_SCHEME}`);
  }
  const credential = end === -1 ? '' : trimmed.slice(end).replace(/^ +/, '');
  if (!TOKEN68.test(credential)) {
    throw new HeaderParseError(
      HEADER.authorization,
      `Authorization ${AUTHORIZATION_SCHEME} credential ${token68Problem(credential)}`,
    );
  }
  return credential;
}
