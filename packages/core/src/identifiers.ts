/**
 * AAuth identifiers (P11 #identifiers-and-discovery, #agent-identifiers).
 *
 * Server identifiers: exactly `https://` + a lowercase host (IDNs as A-labels), with no port, path,
 * query, fragment, userinfo or trailing slash; compared byte for byte. An off-by-default development
 * profile also admits `http://localhost[:port]` and `http://127.0.0.1[:port]`.
 *
 * Agent identifiers: `aauth:local@domain`, `local` = 1-255 of `[A-Za-z0-9._+-]` (case-sensitive, never
 * case-folded), `domain` = a server identifier's host; `parent+discriminator` names a sub-agent (one
 * level only).
 */
import { InvalidIdentifierError } from './errors.js';

export interface ServerIdentifierOptions {
  /** Development profile: also accept `http://localhost[:port]` and `http://127.0.0.1[:port]`. */
  allowLocalhostHttp?: boolean;
}

export interface AgentIdentifier {
  /** The whole local part, e.g. `planner+search1` for a sub-agent. */
  local: string;
  domain: string;
  /** For a sub-agent (`parent+discriminator`), the parent's local part. */
  parent?: string;
  /** For a sub-agent, the part after `+`. */
  discriminator?: string;
}

const HTTPS_PREFIX = 'https://';
const AGENT_PREFIX = 'aauth:';
const MAX_HOST_LENGTH = 253;
const MAX_LOCAL_LENGTH = 255;
const MAX_PORT = 65535;
const SUB_AGENT_SEPARATOR = '+';

// LDH labels: 1-63 characters, no hyphen at either end (RFC 1123), lowercase only (exact-form rule).
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const LOCAL_PART = /^[A-Za-z0-9._+-]+$/;
const DEV_LOOPBACK = /^http:\/\/(?:localhost|127\.0\.0\.1)(?::([1-9][0-9]{0,4}))?$/;

/** Text for a non-string input that cannot throw (no user toString is called). */
function describeInput(value: unknown): string {
  return value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
}

function invalid(input: string, message: string): InvalidIdentifierError {
  return new InvalidIdentifierError(input, message);
}

/** Why `host` is not a lowercase DNS name in exact form, or undefined when it is one. */
function hostProblem(host: string): string | undefined {
  if (host.length === 0) return 'has an empty host';
  if (host.includes('@')) return 'must not contain userinfo';
  if (host.includes(':')) return 'must not contain a port';
  if (host.includes('/')) return 'must not contain a path or trailing slash';
  if (host.includes('?')) return 'must not contain a query';
  if (host.includes('#')) return 'must not contain a fragment';
  if (host !== host.toLowerCase()) return 'host must be lowercase';
  if (host.length > MAX_HOST_LENGTH || !DNS_NAME.test(host))
    return 'host is not a valid DNS name (A-labels only)';
  // WHATWG URL parsing must give the host back unchanged: this refuses invalid punycode (`xn--a`),
  // numeric forms that normalize to another address (`0x7f.1`), and a numeric last label (`a.1`).
  try {
    if (new URL(`${HTTPS_PREFIX}${host}`).host !== host) return 'host is not in canonical form';
  } catch {
    return 'host is not a valid URL host';
  }
  return undefined;
}

function devLoopbackProblem(id: string): string | undefined {
  const match = DEV_LOOPBACK.exec(id);
  if (match === null) return 'is not http://localhost[:port] or http://127.0.0.1[:port]';
  if (match[1] !== undefined && Number(match[1]) > MAX_PORT) return 'port is out of range';
  return undefined;
}

/**
 * Validate a server identifier and return it unchanged.
 * @throws InvalidIdentifierError naming the rule broken.
 */
export function validateServerIdentifier(id: string, options: ServerIdentifierOptions = {}): string {
  if (typeof id !== 'string') throw invalid(describeInput(id), 'server identifier must be a string');
  if (options.allowLocalhostHttp === true && id.startsWith('http://')) {
    const problem = devLoopbackProblem(id);
    if (problem !== undefined) throw invalid(id, `development server identifier ${problem}`);
    return id;
  }
  if (!id.startsWith(HTTPS_PREFIX)) throw invalid(id, 'server identifier must start with https://');
  const problem = hostProblem(id.slice(HTTPS_PREFIX.length));
  if (problem !== undefined) throw invalid(id, `server identifier ${problem}`);
  return id;
}

/** True when {@link validateServerIdentifier} would accept `id`. */
export function isServerIdentifier(id: unknown, options: ServerIdentifierOptions = {}): id is string {
  if (typeof id !== 'string') return false;
  try {
    validateServerIdentifier(id, options);
    return true;
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return false;
    throw error;
  }
}

/**
 * Split an agent identifier into its parts.
 * @throws InvalidIdentifierError naming the rule broken.
 */
export function parseAgentIdentifier(id: string): AgentIdentifier {
  if (typeof id !== 'string') throw invalid(describeInput(id), 'agent identifier must be a string');
  if (!id.startsWith(AGENT_PREFIX)) throw invalid(id, 'agent identifier must start with aauth:');
  const at = id.indexOf('@', AGENT_PREFIX.length);
  if (at === -1) throw invalid(id, 'agent identifier must be aauth:local@domain');
  const local = id.slice(AGENT_PREFIX.length, at);
  const domain = id.slice(at + 1);

  if (local.length === 0 || local.length > MAX_LOCAL_LENGTH) {
    throw invalid(id, `agent identifier local part must be 1-${MAX_LOCAL_LENGTH} characters`);
  }
  if (!LOCAL_PART.test(local))
    throw invalid(id, 'agent identifier local part allows only A-Z a-z 0-9 . _ + -');
  const problem = hostProblem(domain);
  if (problem !== undefined) throw invalid(id, `agent identifier domain ${problem}`);

  const plus = local.indexOf(SUB_AGENT_SEPARATOR);
  if (plus === -1) return { local, domain };
  const parent = local.slice(0, plus);
  const discriminator = local.slice(plus + 1);
  if (parent.length === 0 || discriminator.length === 0) {
    throw invalid(id, 'a sub-agent local part must be parent+discriminator with both parts non-empty');
  }
  // Sub-agents are one level deep (P11 #sub-agents), so a second + has no meaning.
  if (discriminator.includes(SUB_AGENT_SEPARATOR)) throw invalid(id, 'agent identifier has more than one +');
  return { local, domain, parent, discriminator };
}

/**
 * Validate an agent identifier and return it unchanged.
 * @throws InvalidIdentifierError naming the rule broken.
 */
export function validateAgentIdentifier(id: string): string {
  parseAgentIdentifier(id);
  return id;
}

/** True when {@link parseAgentIdentifier} would accept `id`. */
export function isAgentIdentifier(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  try {
    parseAgentIdentifier(id);
    return true;
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return false;
    throw error;
  }
}

/**
 * Build `aauth:local@domain` (pass `parent+discriminator` as `local` for a sub-agent), validated.
 * @throws InvalidIdentifierError when the result is not a valid agent identifier.
 */
export function formatAgentIdentifier(local: string, domain: string): string {
  return validateAgentIdentifier(`${AGENT_PREFIX}${local}@${domain}`);
}
