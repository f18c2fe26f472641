/** Server side of @aauth-kit/mcp that needs no web framework (express and hono glue: subpaths). */
export {
  AAUTH_AUTH_INFO_KEY,
  type AuthInfoSource,
  aauthIdentity,
  authInfoFor,
  requireScope,
} from './auth-info.js';
export {
  type AAuthMcpOptions,
  createMcpVerifier,
  type McpVerifier,
  type McpVerifyOutcome,
  type ToolRequirement,
} from './verify.js';
