/** The agent client: a signed fetch that runs the whole AAuth flow, with consent as an event. */
export { createAAuthClient, DEFAULT_CONSENT_TIMEOUT_MS, DEFAULT_PREFER_WAIT_SECONDS } from './client.js';
export { createAAuthClientFromEnv, ENV as AAUTH_ENV } from './env.js';
export {
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  InteractionGoneError,
  PersonServerError,
  ProtocolError,
} from './errors.js';
export { MemoryTokenStore, refreshMarginSeconds } from './token-cache.js';
export type {
  AAuthClient,
  AAuthClientOptions,
  AAuthEvent,
  AAuthStep,
  AgentProviderOptions,
  AgentTokenSource,
  ClarificationRequest,
  ConsentServer,
  Interaction,
  PendingConsent,
  PollResult,
  ProblemInfo,
  RequestAuthorizationOptions,
  RequestAuthorizationResult,
  SignedRequestOptions,
  StoredToken,
  TokenStore,
  WaitOptions,
} from './types.js';
