/**
 * The four AAuth well-known documents (P11 #metadata-documents) and validators for their REQUIRED
 * members. Unknown members are kept (documents are open), known members are type-checked.
 */
import { DWK, type Dwk, SIGNATURE_ERROR_CODE } from '../constants.js';
import { DiscoveryError } from '../errors.js';

/** Members common to all four documents. */
export interface CommonMetadata {
  issuer: string;
  jwks_uri?: string;
  accept_signature_algs?: string[];
  name?: string;
  /** Markdown: sanitize before rendering. */
  description?: string;
  logo_uri?: string;
  logo_dark_uri?: string;
  documentation_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  [member: string]: unknown;
}

/** `aauth-agent.json` (P11 #agent-provider-metadata). */
export interface AgentProviderMetadata extends CommonMetadata {
  jwks_uri: string;
  callback_endpoint?: string;
  event_endpoint?: string;
  localhost_callback_allowed?: boolean;
}

/** `aauth-person.json` (P11 #ps-metadata). */
export interface PersonServerMetadata extends CommonMetadata {
  jwks_uri: string;
  auth_token_endpoint: string;
  person_token_endpoint: string;
  mission_endpoint?: string;
  permission_endpoint?: string;
  audit_endpoint?: string;
  interaction_endpoint?: string;
  mission_control_endpoint?: string;
  revocation_endpoint?: string;
  scopes_supported?: string[];
  claims_supported?: string[];
}

/** `aauth-access.json` (P11 #access-server-metadata). */
export interface AccessServerMetadata extends CommonMetadata {
  jwks_uri: string;
  auth_token_endpoint: string;
  revocation_endpoint?: string;
}

/** `aauth-resource.json` (P11 #resource-metadata). `jwks_uri` is optional for a resource without keys. */
export interface ResourceMetadata extends CommonMetadata {
  access_mode?: string;
  authorization_endpoint?: string;
  scope_descriptions?: Record<string, string>;
  signature_window?: number;
  additional_signature_components?: string[];
  revocation_endpoint?: string;
}

export interface MetadataByDwk {
  'aauth-agent.json': AgentProviderMetadata;
  'aauth-person.json': PersonServerMetadata;
  'aauth-access.json': AccessServerMetadata;
  'aauth-resource.json': ResourceMetadata;
}
export type ServerMetadata = MetadataByDwk[Dwk];

const KNOWN_DWKS: ReadonlySet<string> = new Set(Object.values(DWK));
export function isDwk(value: unknown): value is Dwk {
  return typeof value === 'string' && KNOWN_DWKS.has(value);
}

export interface MetadataValidationOptions {
  /** The issuer the document was fetched for; `issuer` must equal it byte for byte. */
  expectedIssuer?: string;
  /** Development profile: endpoint URLs may be `http://localhost[:port]` / `http://127.0.0.1[:port]`. */
  allowLocalhostHttp?: boolean;
  /** URL the document came from (for error reports). */
  url?: string;
}

interface UrlRule {
  required: boolean;
  /** Endpoints named by P11 #identifiers-and-discovery carry no query. */
  noQuery: boolean;
}

const COMMON_URLS: Record<string, UrlRule> = {
  logo_uri: { required: false, noQuery: false },
  logo_dark_uri: { required: false, noQuery: false },
  documentation_uri: { required: false, noQuery: false },
  tos_uri: { required: false, noQuery: false },
  policy_uri: { required: false, noQuery: false },
};

const URL_RULES: Record<Dwk, Record<string, UrlRule>> = {
  [DWK.agent]: {
    jwks_uri: { required: true, noQuery: false },
    callback_endpoint: { required: false, noQuery: true },
    event_endpoint: { required: false, noQuery: false },
  },
  [DWK.person]: {
    jwks_uri: { required: true, noQuery: false },
    auth_token_endpoint: { required: true, noQuery: true },
    person_token_endpoint: { required: true, noQuery: true },
    mission_endpoint: { required: false, noQuery: true },
    permission_endpoint: { required: false, noQuery: false },
    audit_endpoint: { required: false, noQuery: false },
    interaction_endpoint: { required: false, noQuery: false },
    mission_control_endpoint: { required: false, noQuery: false },
    revocation_endpoint: { required: false, noQuery: false },
  },
  [DWK.access]: {
    jwks_uri: { required: true, noQuery: false },
    auth_token_endpoint: { required: true, noQuery: true },
    revocation_endpoint: { required: false, noQuery: false },
  },
  [DWK.resource]: {
    jwks_uri: { required: false, noQuery: false },
    authorization_endpoint: { required: false, noQuery: true },
    revocation_endpoint: { required: false, noQuery: false },
  },
};

const STRING_ARRAYS: Record<Dwk, readonly string[]> = {
  [DWK.agent]: ['accept_signature_algs'],
  [DWK.person]: ['accept_signature_algs', 'scopes_supported', 'claims_supported'],
  [DWK.access]: ['accept_signature_algs'],
  [DWK.resource]: ['accept_signature_algs', 'additional_signature_components'],
};

const LOCALHOST_HOSTS = new Set(['localhost', '127.0.0.1']);

function shapeError(message: string, url: string | undefined): DiscoveryError {
  return new DiscoveryError(SIGNATURE_ERROR_CODE.unknownKey, message, url);
}

/** Checks an endpoint URL: https (dev profile: http to localhost), no userinfo, no fragment. */
export function isAcceptableEndpointUrl(
  value: unknown,
  noQuery: boolean,
  allowLocalhostHttp = false,
): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const httpAllowed = allowLocalhostHttp && LOCALHOST_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) return false;
  if (url.username !== '' || url.password !== '') return false;
  if (value.includes('#')) return false;
  if (noQuery && value.includes('?')) return false;
  return true;
}

/** Applies the issuer rule: present (`issuer_missing`) and byte-equal (`issuer_mismatch`). */
export function checkMetadataIssuer(
  doc: Record<string, unknown>,
  expectedIssuer: string,
  url?: string,
): void {
  const issuer = doc.issuer;
  if (issuer === undefined || issuer === null || issuer === '') {
    throw new DiscoveryError(SIGNATURE_ERROR_CODE.issuerMissing, 'metadata has no issuer', url);
  }
  if (issuer !== expectedIssuer) {
    throw new DiscoveryError(
      SIGNATURE_ERROR_CODE.issuerMismatch,
      `metadata issuer ${JSON.stringify(issuer)} is not ${JSON.stringify(expectedIssuer)}`,
      url,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a metadata document for `dwk` and returns it typed. Throws DiscoveryError: `issuer_missing`
 * / `issuer_mismatch` for the issuer rule, `unknown_key` for any other shape problem.
 */
export function validateMetadata<D extends Dwk>(
  dwk: D,
  doc: unknown,
  options: MetadataValidationOptions = {},
): MetadataByDwk[D] {
  const url = options.url;
  if (!isRecord(doc)) throw shapeError(`${dwk} is not a JSON object`, url);
  if (options.expectedIssuer !== undefined) checkMetadataIssuer(doc, options.expectedIssuer, url);
  else if (typeof doc.issuer !== 'string' || doc.issuer === '') {
    throw new DiscoveryError(SIGNATURE_ERROR_CODE.issuerMissing, 'metadata has no issuer', url);
  }
  const rules = { ...COMMON_URLS, ...URL_RULES[dwk] };
  for (const [member, rule] of Object.entries(rules)) {
    const value = doc[member];
    if (value === undefined) {
      if (rule.required) throw shapeError(`${dwk} is missing REQUIRED ${member}`, url);
      continue;
    }
    if (!isAcceptableEndpointUrl(value, rule.noQuery, options.allowLocalhostHttp)) {
      throw shapeError(`${dwk} ${member} is not an acceptable https URL`, url);
    }
  }
  for (const member of STRING_ARRAYS[dwk]) {
    const value = doc[member];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw shapeError(`${dwk} ${member} must be an array of strings`, url);
    }
  }
  for (const member of ['name', 'description']) {
    if (doc[member] !== undefined && typeof doc[member] !== 'string') {
      throw shapeError(`${dwk} ${member} must be a string`, url);
    }
  }
  if (dwk === DWK.agent && doc.localhost_callback_allowed !== undefined) {
    if (typeof doc.localhost_callback_allowed !== 'boolean') {
      throw shapeError('localhost_callback_allowed must be a boolean', url);
    }
  }
  if (dwk === DWK.resource) validateResourceMembers(doc, url);
  return doc as MetadataByDwk[D];
}

function validateResourceMembers(doc: Record<string, unknown>, url: string | undefined): void {
  if (doc.access_mode !== undefined && typeof doc.access_mode !== 'string') {
    throw shapeError('access_mode must be a string', url);
  }
  const window = doc.signature_window;
  if (window !== undefined && !(Number.isInteger(window) && (window as number) > 0)) {
    throw shapeError('signature_window must be a positive integer', url);
  }
  const descriptions = doc.scope_descriptions;
  if (
    descriptions !== undefined &&
    !(isRecord(descriptions) && Object.values(descriptions).every((v) => typeof v === 'string'))
  ) {
    throw shapeError('scope_descriptions must map scopes to strings', url);
  }
}

/**
 * The two members key discovery needs, validated without the rest of the document: a peer whose
 * document lacks an unrelated endpoint (or still uses a pre-final-11 name) can still have its
 * signatures verified.
 */
export function keyDiscoveryMembers(
  doc: unknown,
  expectedIssuer: string,
  options: { allowLocalhostHttp?: boolean; url?: string } = {},
): { issuer: string; jwksUri: string } {
  if (!isRecord(doc)) throw shapeError('metadata is not a JSON object', options.url);
  checkMetadataIssuer(doc, expectedIssuer, options.url);
  const jwksUri = doc.jwks_uri;
  if (jwksUri === undefined) throw shapeError('metadata has no jwks_uri', options.url);
  // Egress admission of jwks_uri happens at fetch time; here only its form is checked.
  if (!isAcceptableEndpointUrl(jwksUri, false, options.allowLocalhostHttp)) {
    throw shapeError('jwks_uri is not an acceptable https URL', options.url);
  }
  return { issuer: expectedIssuer, jwksUri: jwksUri as string };
}
