/**
 * `pnpm demo`: the main job on an embedded default. One dev server (Agent Provider, Person Server with
 * its consent page, the sample documents API) and the documents MCP server on localhost; then an agent
 * through each adapter (LangChain, OpenAI Agents, Vercel AI SDK, an MCP client): reads go through at
 * once, the first write asks the person for consent. It ends with a table of every call: signed by the
 * agent, verified by the resource (from what the resource recorded), the token presented, and how long
 * the call waited for consent.
 *
 *   pnpm demo                   # in a terminal: you approve in your browser
 *   pnpm demo --auto-approve    # unattended (also when not in a terminal, e.g. CI)
 *
 * The agents run on scripted test models unless OPENAI_API_KEY is set.
 * Exit code: 0 when every call succeeded, 1 when one did not, 2 for bad arguments.
 */
import { pathToFileURL } from 'node:url';
import { encodeBase64 } from '@aauth-kit/core';
import { type DevServer, type ResourceRequestRecord, startDevServer } from '@aauth-kit/dev-server';
import { startDocumentsMcpServer } from '@aauth-kit/example-mcp-client-server/server';
import { ADAPTERS } from './adapters.js';
import { createExchangeLog } from './exchanges.js';
import { createPerson, type PersonMode } from './person.js';
import {
  type CallRow,
  callRows,
  missingCalls,
  renderTable,
  totalLine,
  type Verification,
} from './summary.js';

export interface DemoOptions {
  /** Who approves: you in a browser, or the simulated person. Default: browser when in a terminal. */
  person?: PersonMode;
  log?: (line: string) => void;
}

export interface DemoResult {
  rows: CallRow[];
  /** Adapters whose run failed, with the reason. */
  failures: { adapter: string; error: string }[];
  /** Calls an adapter's agent was to make that never succeeded. */
  missing: { adapter: string; call: string }[];
  /** Every adapter ran, made its calls, and every call succeeded signed and verified. */
  ok: boolean;
}

const USAGE = `Usage: pnpm demo [--auto-approve]

  --auto-approve   the dev server's simulated person approves (default when not in a terminal)
  --help           this text

Set OPENAI_API_KEY to run the agents on OpenAI models instead of scripted test models.`;

function inTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/** What a resource recorded as verified, keyed by the signature bytes. */
function verificationOf(record: Pick<ResourceRequestRecord, 'identity'>): Verification[] {
  const identity = record.identity;
  return identity === undefined
    ? []
    : [{ signature: encodeBase64(identity.signature.signature), kind: identity.kind }];
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function printIntro(dev: DevServer, mcpUrl: string, mode: PersonMode, log: (line: string) => void): void {
  log('aauth-kit demo: one dev server, an agent through each adapter, every call signed');
  log('');
  log(`  Agent Provider   ${dev.urls.agentProvider}`);
  log(`  Person Server    ${dev.urls.personServer}  (consent page ${dev.urls.consent})`);
  log(`  Documents API    ${dev.urls.resource}/documents`);
  log(`  Documents MCP    ${mcpUrl}`);
  log('');
  log(
    mode === 'browser'
      ? '  Consent: you approve in your browser (pnpm demo --auto-approve runs unattended)'
      : '  Consent: the simulated person approves (run `pnpm demo` in a terminal to approve yourself)',
  );
  log(
    process.env.OPENAI_API_KEY
      ? '  Models:  OpenAI (OPENAI_API_KEY is set); the MCP client is scripted'
      : '  Models:  scripted test models (set OPENAI_API_KEY for OpenAI); the MCP client is scripted',
  );
}

export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? console.log;
  const mode = options.person ?? (inTerminal() ? 'browser' : 'simulated');
  const verifications: Verification[] = [];
  const dev = await startDevServer({
    onResourceRequest: (record) => verifications.push(...verificationOf(record)),
  });
  try {
    const mcp = await startDocumentsMcpServer({ devServer: dev });
    try {
      printIntro(dev, mcp.url, mode, log);
      const exchanges = createExchangeLog();
      const person = createPerson({ mode, dev, log: (line) => log(line === '' ? '' : `    ${line}`) });
      const failures: DemoResult['failures'] = [];
      for (const adapter of ADAPTERS) {
        log('');
        log(`── ${adapter.name}: ${adapter.how}`);
        try {
          await adapter.run({
            dev,
            mcp,
            fetch: exchanges.fetchFor(adapter.name, dev.fetch),
            decide: person.deciderFor(adapter.name),
            log: (line) => log(`    ${line}`),
          });
        } catch (error) {
          failures.push({ adapter: adapter.name, error: describeError(error) });
          log(`    FAILED: ${describeError(error)}`);
        }
      }

      for (const call of mcp.toolCalls) verifications.push(...verificationOf(call));
      const rows = callRows({
        exchanges: exchanges.exchanges,
        resources: [
          { origin: new URL(dev.identifiers.resource).origin, kind: 'http' },
          { origin: new URL(mcp.issuer).origin, kind: 'mcp' },
        ],
        verifications,
        consents: person.consents,
      });
      const missing = missingCalls(rows, ADAPTERS);
      log('');
      log('Summary');
      for (const line of renderTable(rows)) log(`  ${line}`);
      for (const failure of failures) log(`  ${failure.adapter} failed: ${failure.error}`);
      for (const { adapter, call } of missing) log(`  ${adapter}: ${call} did not go through`);
      log('');
      log(totalLine(rows, ADAPTERS.length));
      const ok = failures.length === 0 && missing.length === 0 && rows.every((row) => row.ok);
      log(ok ? 'All calls succeeded.' : 'Some calls did not succeed (see above).');
      return { rows, failures, missing, ok };
    } finally {
      await mcp.close();
    }
  } finally {
    await dev.close();
  }
}

/** `pnpm demo [--] [--auto-approve]`: pnpm may pass the `--` separator through. */
function parseArguments(argv: readonly string[]): { autoApprove: boolean; help: boolean } | string {
  let autoApprove = false;
  let help = false;
  for (const argument of argv) {
    if (argument === '--') continue;
    if (argument === '--auto-approve') autoApprove = true;
    else if (argument === '--help' || argument === '-h') help = true;
    else return `unknown argument: ${argument}`;
  }
  return { autoApprove, help };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const parsed = parseArguments(process.argv.slice(2));
  if (typeof parsed === 'string') {
    console.error(`${parsed}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (parsed.help) {
    console.log(USAGE);
  } else {
    const result = await main({ person: parsed.autoApprove || !inTerminal() ? 'simulated' : 'browser' });
    process.exitCode = result.ok ? 0 : 1;
  }
}
