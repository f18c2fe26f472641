/**
 * @aauth-kit/langchain: AAuth for LangChain and LangGraph. Every HTTP request a tool makes through
 * `aauthFetch` is signed by the agent client; "consent required" becomes a LangGraph interrupt the app
 * resumes with `new Command({ resume: { approved: true } })`, or a wait.
 */
export {
  type ConsentDeclined,
  type ConsentNeeded,
  describeDeclined,
  URL_ELICITATION_REQUIRED,
} from './consent-errors.js';
export { MAX_CONSENT_ROUNDS } from './consent-loop.js';
export type { AAuthDeclinedArtifact } from './declined.js';
export {
  AAUTH_INTERRUPT_TYPE,
  type AAuthInterruptValue,
  type AAuthResume,
  getAAuthInterrupts,
  isAAuthInterrupt,
} from './interrupt-value.js';
export { AAUTH_MIDDLEWARE_NAME, aauthMiddleware } from './middleware.js';
export type { AAuthConsentMode, AAuthOptions } from './options.js';
export {
  type AAuthFetchOptions,
  aauthFetch,
  createAAuthFetch,
  currentAAuthClient,
  type FetchLike,
  runWithAAuth,
} from './scope.js';
export { withAAuth } from './with-aauth.js';
