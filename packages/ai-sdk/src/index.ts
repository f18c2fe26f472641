/**
 * @aauth-kit/ai-sdk: AAuth for the Vercel AI SDK (6 and 7). Every HTTP call a tool (or an MCP server
 * reached through `@ai-sdk/mcp`) makes is signed by the agent, and a consent the person must give
 * surfaces the AI SDK way: a blocking wait, a preliminary tool result, or a tool approval request.
 */
export { isAAuthConsentRequired } from './consent.js';
export { ConsentNotGrantedError, type ConsentOutcome, TooManyConsentsError } from './errors.js';
export { aauthFetch, type CreateAAuthFetchOptions, createAAuthFetch } from './fetch.js';
export { type AAuthTool, type AAuthToolDefinition, type AAuthToolResult, aauthTool } from './tool.js';
export { type ApprovalRequestLike, aauthConsentFor, aauthToolApproval } from './tool-approval.js';
export type {
  AAuthConsentMode,
  AAuthConsentRequired,
  AAuthFetch,
  AAuthToolExecutionOptions,
  AAuthToolOptions,
  InferSchemaOutput,
  ToolApprovalRequestLike,
  ToolApprovalStatusLike,
  ToolCallOptionsLike,
  ToolResultLike,
} from './types.js';
export { type WithAAuthOptions, type WithAAuthTool, withAAuth, withAAuthTools } from './wrap.js';
