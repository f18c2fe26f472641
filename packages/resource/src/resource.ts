/** `createResource`: one object holding a resource's configuration, keys, caches and trust records. */
import {
  ConfigurationError,
  createDiscovery,
  createSignatureKeyResolver,
  DEFAULT_SIGNATURE_WINDOW_SECONDS,
  DEVELOPMENT_EGRESS,
  InvalidIdentifierError,
  type Jwks,
  jwkThumbprint,
  type ResourceMetadata,
  type SignatureVerificationPolicy,
  STRICT_EGRESS,
  toJwks,
  validateServerIdentifier,
} from '@aauth-kit/core';
import { AUTHORIZATION_ROUTE, handleAuthorizationRequest } from './authorization-endpoint.js';
import {
  ACCEPTABLE_KINDS,
  ACCEPTED_SIGNATURE_SCHEMES,
  CONDITIONAL_COMPONENTS,
  DEFAULTS,
  MAX_RESOURCE_TOKEN_LIFETIME_SECONDS,
  SESSION_DEFAULTS,
} from './constants.js';
import { buildMetadata } from './metadata.js';
import { createMemoryReplayStore } from './replay-store.js';
import { createResourceTokenIssuer } from './resource-token.js';
import { createMemorySessionStore } from './session-store.js';
import { createSessionGate } from './sessions.js';
import { createIssuerTrust } from './trust.js';
import type { Resource, ResourceOptions } from './types.js';
import { type VerifierContext, verifyRequest } from './verify.js';
import { createWellKnownHandler } from './well-known.js';

function defaultNow(): number {
  return Date.now() / 1000;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
    throw new ConfigurationError(`${name} must be an integer in 1..${max ?? Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}

function serverIdentifier(name: string, value: unknown, development: boolean): string {
  try {
    return validateServerIdentifier(value as string, { allowLocalhostHttp: development });
  } catch (cause) {
    if (!(cause instanceof InvalidIdentifierError)) throw cause;
    throw new ConfigurationError(`${name}: ${cause.message}`, { cause });
  }
}

function checkAuthority(authority: string): string {
  let parsed: URL;
  try {
    parsed = new URL(`http://${authority}`);
  } catch (cause) {
    throw new ConfigurationError(`authority ${JSON.stringify(authority)} is not a host[:port]`, { cause });
  }
  if (parsed.host !== authority.toLowerCase() || parsed.pathname !== '/' || parsed.username !== '') {
    throw new ConfigurationError(`authority ${JSON.stringify(authority)} is not a host[:port]`);
  }
  return parsed.host;
}

export function createResource(options: ResourceOptions): Resource {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('createResource needs options');
  const development = options.development === true;
  const issuer = serverIdentifier('issuer', options.issuer, development);
  const accessServer =
    options.accessServer === undefined
      ? undefined
      : serverIdentifier('accessServer', options.accessServer, development);
  const { signer } = options;
  if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function') {
    throw new ConfigurationError('signer must be a Signer (resource tokens are signed with it)');
  }
  const kid = options.kid ?? signer.publicJwk.kid ?? jwkThumbprint(signer.publicJwk);
  if (typeof kid !== 'string' || kid.length === 0)
    throw new ConfigurationError('kid must be a non-empty string');
  const signatureWindow = positiveInteger(
    'signatureWindow',
    options.signatureWindow,
    DEFAULT_SIGNATURE_WINDOW_SECONDS,
  );
  const lifetimeSeconds = positiveInteger(
    'resourceTokenLifetime',
    options.resourceTokenLifetime,
    DEFAULTS.resourceTokenLifetimeSeconds,
    MAX_RESOURCE_TOKEN_LIFETIME_SECONDS,
  );
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes);
  const authority = checkAuthority(options.authority ?? new URL(issuer).host);
  const now = options.now ?? defaultNow;

  const metadata = buildMetadata({ issuer, signatureWindow, development, input: options.metadata });
  const jwks: Jwks = toJwks({ ...signer.publicJwk, kid });
  const handleWellKnown = createWellKnownHandler({ metadata, jwks });

  const discovery =
    options.discovery ??
    createDiscovery({
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      egress: development ? DEVELOPMENT_EGRESS : STRICT_EGRESS,
      now,
    });
  const resolveKey = createSignatureKeyResolver({
    // Every kind is resolved: whichever token arrives either satisfies the route or tells us which
    // challenge to answer. `aud` is checked per kind after resolution (agent tokens carry none).
    accept: ACCEPTABLE_KINDS,
    schemes: ACCEPTED_SIGNATURE_SCHEMES,
    discovery,
    allowLocalhostHttp: development,
    now,
  });
  const trust = createIssuerTrust({
    trustedPersonServers: options.trustedPersonServers,
    trustedAccessServers: accessServer === undefined ? undefined : [accessServer],
    maxRecorded: DEFAULTS.issuedPersonServersMaxEntries,
    recordTtlSeconds: DEFAULTS.issuedPersonServerTtlSeconds,
  });
  const issueResourceToken = createResourceTokenIssuer({
    issuer,
    signer,
    kid,
    lifetimeSeconds,
    development,
    accessServer,
    trust,
    now,
  });
  const context: VerifierContext = {
    issuer,
    resolveKey,
    replayStore:
      options.replayStore ?? createMemoryReplayStore({ maxEntries: DEFAULTS.replayMaxEntries, now }),
    trust,
    issueResourceToken,
    accessServer,
    signatureWindow,
    maxBodyBytes,
    now,
  };

  // P11: a resource requires only the AAuth four plus what it publishes in its metadata. The query and
  // body components listed there apply when the request has a query or a body.
  const extraComponents = metadata.additional_signature_components ?? [];
  const routePolicy: SignatureVerificationPolicy = {
    schemes: ACCEPTED_SIGNATURE_SCHEMES,
    requiredComponents: extraComponents.filter((c) => !CONDITIONAL_COMPONENTS.has(c)),
    requireQueryWhenPresent: extraComponents.includes('@query'),
    requireDigestWhenBody:
      extraComponents.includes('content-digest') || extraComponents.includes('content-type'),
    windowSeconds: signatureWindow,
    authority,
  };
  // The authorization endpoint's body decides what gets authorized: its bytes must be signed.
  const authorizationPolicy: SignatureVerificationPolicy = {
    ...routePolicy,
    requireDigestWhenBody: true,
  };
  const sessions = createSessionGate({
    store:
      options.sessions?.store ?? createMemorySessionStore({ maxEntries: SESSION_DEFAULTS.maxEntries, now }),
    lifetimeSeconds: positiveInteger(
      'sessions.lifetimeSeconds',
      options.sessions?.lifetimeSeconds,
      SESSION_DEFAULTS.lifetimeSeconds,
      SESSION_DEFAULTS.maxLifetimeSeconds,
    ),
    now,
  });
  const scopeDescriptions = metadata.scope_descriptions;
  const knownScopes = scopeDescriptions === undefined ? undefined : new Set(Object.keys(scopeDescriptions));

  return {
    issuer,
    maxBodyBytes,
    async verify(request, route, verifyOptions) {
      const { outcome } = await verifyRequest(context, request, route, routePolicy, verifyOptions);
      // Only session routes have anything to apply; the rest skip the gate's extra promise.
      return route.session === undefined ? outcome : sessions.apply(request, route, outcome);
    },
    metadata(): ResourceMetadata {
      return structuredClone(metadata);
    },
    jwks(): Jwks {
      return structuredClone(jwks);
    },
    handleWellKnown,
    issueResourceToken,
    handleAuthorizationRequest(request, verifyOptions) {
      return handleAuthorizationRequest(
        {
          knownScopes,
          verify: (req, signal) =>
            verifyRequest(
              context,
              req,
              AUTHORIZATION_ROUTE,
              authorizationPolicy,
              signal === undefined ? undefined : { signal },
            ),
          issueResourceToken,
        },
        request,
        verifyOptions?.signal,
      );
    },
  };
}
