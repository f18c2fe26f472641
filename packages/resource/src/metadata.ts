/**
 * The resource's metadata document (`/.well-known/aauth-resource.json`, P11 #resource-metadata), built
 * once from the options and validated so the resource never publishes something peers would refuse.
 */
import {
  ConfigurationError,
  isAcceptableEndpointUrl,
  type ResourceMetadata,
  SUPPORTED_ALGS,
} from '@aauth-kit/core';
import { DEFAULTS, WELL_KNOWN_PATH } from './constants.js';
import { isScopeToken } from './scope.js';
import type { ResourceMetadataInput } from './types.js';

/** Members computed from the options; supplying them in `metadata` is a configuration error. */
const DERIVED_MEMBERS = ['issuer', 'jwks_uri', 'signature_window', 'accept_signature_algs'] as const;
const ENDPOINT_MEMBERS = ['authorization_endpoint', 'revocation_endpoint'] as const;
const URL_MEMBERS = ['logo_uri', 'logo_dark_uri', 'documentation_uri', 'tos_uri', 'policy_uri'] as const;
const TEXT_MEMBERS = ['name', 'description', 'access_mode'] as const;

export interface BuildMetadataOptions {
  issuer: string;
  signatureWindow: number;
  development: boolean;
  input: ResourceMetadataInput | undefined;
}

function invalid(member: string, rule: string): ConfigurationError {
  return new ConfigurationError(`metadata.${member} ${rule}`);
}

function checkInput(input: ResourceMetadataInput, development: boolean): void {
  for (const member of DERIVED_MEMBERS) {
    if (input[member] !== undefined)
      throw invalid(member, 'is derived from the resource options; do not set it');
  }
  for (const member of TEXT_MEMBERS) {
    if (input[member] !== undefined && typeof input[member] !== 'string')
      throw invalid(member, 'must be a string');
  }
  for (const member of ENDPOINT_MEMBERS) {
    const value = input[member];
    if (value !== undefined && !isAcceptableEndpointUrl(value, true, development)) {
      throw invalid(member, 'must be an https URL without query or fragment');
    }
  }
  for (const member of URL_MEMBERS) {
    const value = input[member];
    if (value !== undefined && !isAcceptableEndpointUrl(value, false, development)) {
      throw invalid(member, 'must be an https URL');
    }
  }
  const scopes = input.scope_descriptions;
  if (scopes !== undefined) {
    if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes)) {
      throw invalid('scope_descriptions', 'must be an object mapping scopes to descriptions');
    }
    for (const [scope, description] of Object.entries(scopes)) {
      if (!isScopeToken(scope))
        throw invalid('scope_descriptions', `key ${JSON.stringify(scope)} is not a scope token`);
      if (typeof description !== 'string') throw invalid(`scope_descriptions.${scope}`, 'must be a string');
    }
  }
  const components = input.additional_signature_components;
  if (components !== undefined) {
    if (!Array.isArray(components) || components.some((c) => typeof c !== 'string' || c.length === 0)) {
      throw invalid('additional_signature_components', 'must be an array of component names');
    }
  }
}

/** Build the metadata document; throws ConfigurationError for a member peers would refuse. */
export function buildMetadata(options: BuildMetadataOptions): ResourceMetadata {
  const input = options.input ?? {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigurationError('metadata must be an object');
  }
  checkInput(input, options.development);
  const document: ResourceMetadata = {
    issuer: options.issuer,
    jwks_uri: `${options.issuer}${WELL_KNOWN_PATH.jwks}`,
    signature_window: options.signatureWindow,
    accept_signature_algs: [...SUPPORTED_ALGS],
    additional_signature_components: [...DEFAULTS.additionalSignatureComponents],
  };
  for (const [member, value] of Object.entries(input)) {
    if (value !== undefined) document[member] = structuredClone(value);
  }
  return document;
}
