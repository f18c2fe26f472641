/** Discovery: metadata and JWKS fetch with egress admission and an injected cache. */
export type { CachedDocument, DiscoveryCache, MemoryDiscoveryCacheOptions } from './cache.js';
export {
  createMemoryDiscoveryCache,
  DEFAULT_FRESHNESS_SECONDS,
  freshnessSeconds,
  MAX_FRESHNESS_SECONDS,
  MAX_STALE_MS,
  MIN_FRESHNESS_SECONDS,
} from './cache.js';
export type { Discovery, DiscoveryOptions, DiscoveryRequestOptions, GetKeyOptions } from './discovery.js';
export { createDiscovery, FAILURE_BACKOFF_MS, KID_REFETCH_INTERVAL_MS } from './discovery.js';
export type { AdmittedUrl, EgressPolicy, EgressProfile, ResolvedAddress } from './egress.js';
export { admitUrl, DEVELOPMENT_EGRESS, isNonPublicAddress, STRICT_EGRESS } from './egress.js';
export type { CacheDirectives, FetchJsonOptions, FetchJsonResult } from './fetch-json.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  fetchJson,
  MAX_REDIRECTS,
  parseCacheDirectives,
} from './fetch-json.js';
export type {
  AccessServerMetadata,
  AgentProviderMetadata,
  CommonMetadata,
  MetadataByDwk,
  MetadataValidationOptions,
  PersonServerMetadata,
  ResourceMetadata,
  ServerMetadata,
} from './metadata.js';
export {
  checkMetadataIssuer,
  isAcceptableEndpointUrl,
  isDwk,
  keyDiscoveryMembers,
  validateMetadata,
} from './metadata.js';
