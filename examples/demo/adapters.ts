/**
 * The agents the demo runs, one per adapter, each being the adapter's own example (`main()`) pointed at
 * the demo's dev server and MCP server, with the demo's transport (to note what went on the wire) and
 * the demo's person (to decide on consent).
 */
import type { DevServer } from '@aauth-kit/dev-server';
import { main as langchainAgent } from '@aauth-kit/example-langchain-agent';
import { main as mcpClient } from '@aauth-kit/example-mcp-client-server';
import type { DocumentsMcpServer } from '@aauth-kit/example-mcp-client-server/server';
import { main as openaiAgent } from '@aauth-kit/example-openai-agents';
import { main as vercelAgent } from '@aauth-kit/example-vercel-ai';
import type { Decide } from './person.js';

export interface AdapterContext {
  dev: DevServer;
  mcp: DocumentsMcpServer;
  /** The agent's AAuth client transport. */
  fetch: typeof fetch;
  decide: Decide;
  log: (line: string) => void;
}

export interface Adapter {
  name: string;
  /** How it signs and how it pauses for consent, in one line. */
  how: string;
  /** The calls its agent must get through: a read at once, a write after consent. */
  expects: readonly string[];
  run(context: AdapterContext): Promise<void>;
}

const TOOLS = ['list_documents', 'summarize_document'] as const;

const common = ({ dev, fetch, decide, log }: AdapterContext) => ({
  devServer: dev,
  fetch,
  decide,
  log,
  interactive: false,
});

export const ADAPTERS: readonly Adapter[] = [
  {
    name: 'LangChain',
    expects: TOOLS,
    how: 'createAgent + aauthMiddleware: consent pauses the graph (interrupt), resumed once approved',
    run: async (context) => {
      await langchainAgent(common(context));
    },
  },
  {
    name: 'OpenAI Agents',
    expects: TOOLS,
    how: 'aauthTool: consent pauses the run (approval interruption), resumed once approved',
    run: async (context) => {
      await openaiAgent(common(context));
    },
  },
  {
    name: 'Vercel AI SDK',
    expects: TOOLS,
    how: 'aauthTool in streamText: consent is a preliminary tool result, the tool waits for it',
    run: async (context) => {
      await vercelAgent({ ...common(context), mode: 'stream' });
    },
  },
  {
    name: 'MCP client',
    expects: TOOLS,
    how: 'createAAuthTransport: consent is a URL elicitation (-32042), the call is retried',
    run: async (context) => {
      await mcpClient({ ...common(context), mcpServer: context.mcp });
    },
  },
];
