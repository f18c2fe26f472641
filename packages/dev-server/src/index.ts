/**
 * @aauth-kit/dev-server: a reference Agent Provider, Person Server (with a consent page) and sample
 * resource on localhost, for development and tests. Not for production.
 */
export type { RegisterAgentInput, RegisteredAgent } from './agent-provider/agent-provider.js';
export { AP_PATH, DEFAULTS, LIMITS, PROBLEM_CODE, type ProblemCode, PS_PATH } from './constants.js';
export type { DevServerIdentifiers } from './context.js';
export { type DevServer, defaultPolicies, type Role, startDevServer } from './dev-server.js';
export {
  AgentExistsError,
  HttpProblemError,
  InteractionWaitError,
  UnknownInteractionError,
} from './errors.js';
export type { ConsentPolicy, DevServerOptions, DevServerPerson } from './options.js';
export { type ResourceRequestRecord, SAMPLE_SCOPES } from './sample-resource/sample-resource.js';
export type { NextInteractionOptions, PendingInteraction, SimulatedUser } from './simulated-user.js';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory.js';
export type {
  AgentRecord,
  AgentStore,
  ConsentRecord,
  ConsentStore,
  DevServerStore,
  IssuedTokenRecord,
  IssuedTokenStore,
  PendingIssue,
  PendingKind,
  PendingRecord,
  PendingState,
  PendingStore,
} from './store/types.js';
