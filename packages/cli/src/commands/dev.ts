/**
 * `aauth-kit dev`: the dev server (@aauth-kit/dev-server: Agent Provider, Person Server with its consent
 * page, sample resource) on loopback until Ctrl-C / SIGTERM, printing its URLs, how to register an agent,
 * and each request that starts waiting for the person.
 */
import { parseArgs } from 'node:util';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { parseOrUsage, port, positionals } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import type { Command } from './types.js';

/** Resource on this port, Person Server on +1, Agent Provider on +2 (so the quick start's URLs hold). */
export const DEFAULT_DEV_PORT = 8750;

const help = `Usage: aauth-kit dev [--port ${DEFAULT_DEV_PORT}] [--auto-approve] [--json]

Starts the development Agent Provider, Person Server (with its consent page) and sample resource on
localhost, prints their URLs, and runs until Ctrl-C. Development only: whoever opens the consent page
is signed in as the dev person, and agent registration is unauthenticated.

  --port <n>        resource on n, Person Server on n+1, Agent Provider on n+2 (default ${DEFAULT_DEV_PORT};
                    0 picks free ports)
  --auto-approve    the dev person approves every consent at once (unattended runs)
  --json            print the URLs as one JSON line instead of the guide`;

function guide(dev: DevServer, autoApprove: boolean): string {
  const { urls } = dev;
  const summary = `${urls.resource}/documents/1/summary`;
  return `aauth-kit dev server — development only, never expose it beyond loopback

  Agent Provider   ${urls.agentProvider}
  Person Server    ${urls.personServer}
  Consent page     ${urls.consent}${autoApprove ? '   (auto-approve: every consent is granted at once)' : ''}
  Resource         ${urls.resource}   GET /documents, GET /documents/:id, POST /documents/:id/summary

Register an agent and call the resource (in another terminal):
  aauth-kit keygen --out agent.pem
  aauth-kit agent-token --key agent.pem --agent-provider ${urls.agentProvider} --register
  aauth-kit fetch --development --key agent.pem --agent-provider ${urls.agentProvider} ${urls.resource}/documents
  aauth-kit fetch --development --key agent.pem --agent-provider ${urls.agentProvider} -X POST ${summary}

The write asks for consent: open the URL fetch prints${autoApprove ? ' (here it is approved at once)' : ''}.
Press Ctrl-C to stop.
`;
}

/** Prints each request that starts waiting for the person, until the server closes. */
async function announceConsents(dev: DevServer, ctx: CommandContext, signal: AbortSignal): Promise<void> {
  for (;;) {
    let pending: Awaited<ReturnType<DevServer['simulatedUser']['next']>>;
    try {
      pending = await dev.simulatedUser.next({ signal });
    } catch {
      return; // closed or aborted
    }
    const scope = pending.scope === undefined ? '' : ` scope ${pending.scope}`;
    ctx.stderr.write(
      `[consent] ${pending.agentId} asks for${scope} at ${pending.resource}: ${pending.url}\n`,
    );
  }
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('dev', () =>
    parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        'auto-approve': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  positionals('dev', rest, []);
  const autoApprove = values['auto-approve'] === true;
  if (ctx.signal.aborted) return EXIT.aborted;
  const dev = await startDevServer({
    port: port('dev', values.port) ?? DEFAULT_DEV_PORT,
    autoApprove,
    onError: (error) =>
      ctx.stderr.write(`[dev-server] ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const announcer = new AbortController();
  try {
    if (values.json === true) {
      ctx.stdout.write(`${JSON.stringify({ urls: dev.urls, identifiers: dev.identifiers, autoApprove })}\n`);
    } else {
      ctx.stdout.write(guide(dev, autoApprove));
    }
    const announcing = announceConsents(dev, ctx, announcer.signal);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    announcer.abort();
    await announcing;
  } finally {
    announcer.abort();
    await dev.close();
  }
  ctx.stderr.write('dev server stopped\n');
  return EXIT.ok;
}

export const dev: Command = {
  name: 'dev',
  summary: 'run the dev Agent Provider, Person Server (consent page) and sample resource',
  help,
  run,
};
