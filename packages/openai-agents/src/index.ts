/**
 * @aauth-kit/openai-agents: AAuth for the OpenAI Agents SDK. Tools whose every HTTP request is signed
 * by the AAuth agent client, consent as a blocking wait or as the SDK's own approval interruption,
 * model-visible error texts, and the fetch + error function for MCP servers.
 */
export type { ToolCallDetails } from './call.js';
export {
  argumentsKey,
  CUSTOM_DATA_KEY,
  type PendingToolConsent,
  readSerializedConsent,
  type SerializedConsent,
} from './consents.js';
export {
  DEFAULT_TOOL_ERROR_TEXT,
  type DescribeContext,
  describeAAuthError,
  describeInteraction,
  findAAuthError,
} from './describe.js';
export { pendingConsentFor, type RestorableRunState, restoreConsents } from './interruptions.js';
export {
  type AAuthMcpErrorFunctionOptions,
  type AAuthMcpFetchOptions,
  aauthMcpErrorFunction,
  aauthMcpFetch,
  type McpFetch,
  URL_ELICITATION_REQUIRED,
  urlElicitationOf,
} from './mcp.js';
export {
  type AAuthToolSettings,
  type ConsentMode,
  DEFAULT_RESUME_TIMEOUT_MS,
  MAX_CONSENTS_PER_CALL,
  type ToolCallInfo,
} from './options.js';
export { type AAuthFetch, aauthFetch, isConsentError } from './scope.js';
export {
  type AAuthToolCallDetails,
  type AAuthToolExecute,
  type AAuthToolOptions,
  aauthTool,
} from './tool.js';
export { withAAuth } from './wrap.js';
