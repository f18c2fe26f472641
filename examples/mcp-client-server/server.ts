/**
 * The AAuth-protected documents MCP server this example talks to. Its code lives with the package's
 * test fixtures (packages/mcp/src/__fixtures__/documents-mcp-server.ts) so the LangChain and AI SDK
 * adapters' tests run against the very same server; read it there: express + `aauthMcp(resource, {
 * tools: { summarize_document: 'documents.write' } })` in front of a stateful StreamableHTTPServerTransport.
 */
export {
  createDocumentsMcpServer,
  DOCUMENTS,
  DOCUMENTS_WRITE_SCOPE,
  type DocumentsMcpServer,
  type DocumentsMcpServerOptions,
  startDocumentsMcpServer,
  summaryOf,
} from '../../packages/mcp/src/__fixtures__/documents-mcp-server.js';
