/**
 * @aauth-kit/mcp: AAuth for the Model Context Protocol.
 * - Client: `withAAuth(client)` (fetch middleware) / `createAAuthTransport(url, { client })` sign every
 *   request of an MCP client transport and turn consent into URL elicitation (-32042).
 * - Server: `@aauth-kit/mcp/express` and `@aauth-kit/mcp/hono` verify MCP requests with
 *   @aauth-kit/resource and hand tools `extra.authInfo`; `requireScope`, `consentElicitationError` here.
 */
export { type AAuthTransportOptions, createAAuthTransport } from './client/transport.js';
export {
  type AAuthClientSource,
  type ConsentHandling,
  type ElicitationAnswer,
  type FetchLike,
  type Middleware,
  type UrlElicitationHandler,
  type WithAAuthOptions,
  withAAuth,
} from './client/with-aauth.js';
export {
  type ConsentMessage,
  consentElicitation,
  consentElicitationError,
  defaultConsentMessage,
  isConsentRequiredError,
  URL_ELICITATION_REQUIRED,
  type UrlElicitation,
  urlElicitationsOf,
  withConsentElicitation,
} from './elicitation.js';
export { AAuthIdentityMissingError, ConsentDeclinedError, InsufficientScopeError } from './errors.js';
export * from './server/index.js';
