/**
 * `aauth-kit fetch <url>`: a curl-like signed request through the whole AAuth flow (the core agent client,
 * consent 'wait'). Consent prompts, the waiting indicator and --explain go to stderr; the response body
 * (or --json) goes to stdout, so the output can be piped.
 */
import { parseArgs } from 'node:util';
import {
  AAUTH_ENV,
  AbortedError,
  type AgentTokenSource,
  createAAuthClientFromEnv,
  HEADER,
  type Interaction,
  parseSignatureError,
  type Signer,
  TimeoutError,
} from '@aauth-kit/core';
import { requestAgentToken } from '../agent-provider.js';
import { parseOrUsage, positionals, seconds } from '../args.js';
import { printInteraction } from '../consent-prompt.js';
import { createDeadline } from '../deadline.js';
import { SetupError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { type ExplainStep, formatStep, toStep } from '../explain.js';
import type { CommandContext } from '../io.js';
import { findKey, signerFrom } from '../key-file.js';
import { buildRequest } from '../request-options.js';
import { explainSignatureError } from '../signature-errors.js';
import { formatElapsed, startWaitingIndicator, type WaitingIndicator } from '../waiting-indicator.js';
import type { Command } from './types.js';

const help = `Usage: aauth-kit fetch <url> [-X METHOD] [-d <json>|@file|@-] [-H 'Name: value']...
                       [--key agent.pem] [--agent-token <jwt> | --agent-provider <url> [--register]]
                       [--explain] [--json] [-i] [--qr] [--timeout <seconds>] [--development]

Sends a signed request and runs the whole AAuth flow: answers agent-token, person-token and
auth-token challenges, asks the Person Server for tokens, and waits while the person consents
(it prints the interaction URL, the code and a QR code). Prints the final response body.

Request:
  -X, --request <method>   HTTP method (default GET, or POST with -d)
  -d, --data <data>        body: JSON text, @file, or @- for standard input (content-type
                           application/json unless -H sets one)
  -H, --header <h>         'Name: value' header (repeatable)

Identity (defaults from AAUTH_PRIVATE_KEY_FILE / AAUTH_PRIVATE_KEY / AAUTH_AGENT_TOKEN):
  --key <file>             the agent key (PKCS#8 PEM)
  --agent-token <jwt>      the agent token
  --agent-provider <url>   get agent tokens from a dev-server Agent Provider (aauth-kit dev)
  --register               register the key there first

Output:
  --explain                print each protocol step (request, challenge, token request, poll) on
                           stderr as it happens; tokens are redacted
  --json                   print {status, headers, body, steps} on stdout
  -i, --include            print the status line and headers before the body
  --qr                     draw the QR code even when stderr is not a terminal

  --timeout <seconds>      give up after this long (default: 15 minutes for consent, 30 s per exchange)
  --development            allow http://localhost servers (or AAUTH_DEVELOPMENT=1; never in production)

Exit: 0 on a 2xx/3xx answer, 1 on HTTP >= 400, 4 when consent is denied or expires, 5 on network
errors and timeouts, 130 on Ctrl-C (see aauth-kit help).`;

const TRUE_VALUES = ['1', 'true', 'yes', 'on'];

function envFlag(env: CommandContext['env'], name: string): boolean {
  return TRUE_VALUES.includes((env[name] ?? '').trim().toLowerCase());
}

function targetUrl(value: string, development: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new UsageError(
      `${JSON.stringify(value)} is not an absolute URL`,
      'e.g. https://api.example/documents',
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(
      `${url.protocol} URLs cannot be fetched`,
      'use an https:// (or, with --development, http://) URL',
    );
  }
  if (url.protocol === 'http:' && !development) {
    throw new UsageError(
      `refusing to send a signed request to ${url.origin} over plain http`,
      `for local servers pass --development (or set ${AAUTH_ENV.development}=1)`,
    );
  }
  return url;
}

interface IdentityOptions {
  'agent-token'?: string;
  'agent-provider'?: string;
  register?: boolean;
}

/** The agent token, or how to refresh it from the dev Agent Provider (the first one is fetched now). */
async function agentTokenSource(
  values: IdentityOptions,
  ctx: CommandContext,
  signer: Signer,
): Promise<AgentTokenSource> {
  const given = values['agent-token'];
  const provider = values['agent-provider'];
  if (given !== undefined && provider !== undefined) {
    throw new UsageError('--agent-token and --agent-provider exclude each other', 'pass one of them');
  }
  if (values.register === true && provider === undefined) {
    throw new UsageError('--register needs --agent-provider <url>');
  }
  if (given !== undefined) return given;
  if (provider !== undefined) {
    const request = { agentProvider: provider, signer, signal: ctx.signal };
    // Fetched now so a wrong URL or an unregistered key fails with its own message and hint.
    let first: string | undefined = (
      await requestAgentToken({ ...request, register: values.register === true })
    ).agentToken;
    return async () => {
      if (first !== undefined) {
        const token = first;
        first = undefined;
        return token;
      }
      return (await requestAgentToken({ ...request, register: false })).agentToken;
    };
  }
  const fromEnv = ctx.env[AAUTH_ENV.agentToken]?.trim();
  if (fromEnv) return fromEnv;
  throw new SetupError(
    'no agent token',
    `pass --agent-token <jwt> or --agent-provider <url> (\`aauth-kit dev\` runs one), or set ${AAUTH_ENV.agentToken}; \`aauth-kit agent-token\` gets one`,
  );
}

function bodyForJson(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType !== null && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Why a signed request was refused, from the Signature-Error header (when the server sent one). */
function refusalReason(response: Response): string | undefined {
  const header = response.headers.get(HEADER.signatureError);
  if (header === null) return undefined;
  try {
    const parsed = parseSignatureError(header);
    const required = parsed.requiredInput ? ` (required_input: ${parsed.requiredInput.join(' ')})` : '';
    return `Signature-Error ${parsed.error}${required}: ${explainSignatureError(parsed.error)}`;
  } catch {
    return `Signature-Error: ${header}`;
  }
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('fetch', () =>
    parseArgs({
      args: argv,
      options: {
        request: { type: 'string', short: 'X' },
        data: { type: 'string', short: 'd' },
        header: { type: 'string', short: 'H', multiple: true },
        key: { type: 'string', short: 'k' },
        'agent-token': { type: 'string' },
        'agent-provider': { type: 'string' },
        register: { type: 'boolean' },
        explain: { type: 'boolean' },
        json: { type: 'boolean' },
        include: { type: 'boolean', short: 'i' },
        qr: { type: 'boolean' },
        timeout: { type: 'string' },
        development: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const [target] = positionals('fetch', rest, ['url']);
  const development = values.development === true || envFlag(ctx.env, AAUTH_ENV.development);
  const url = targetUrl(target!, development);
  const timeoutSeconds = seconds('fetch', 'timeout', values.timeout);
  const request = await buildRequest(
    {
      ...(values.request === undefined ? {} : { method: values.request }),
      ...(values.header === undefined ? {} : { headers: values.header }),
      ...(values.data === undefined ? {} : { data: values.data }),
    },
    ctx.stdin,
  );
  const signer = signerFrom(await findKey(values.key, ctx.env));
  const agentToken = await agentTokenSource(values, ctx, signer);

  const steps: ExplainStep[] = [];
  let indicator: WaitingIndicator | undefined;
  const say = (line: string): void => {
    if (indicator?.running) indicator.log(line);
    else ctx.stderr.write(`${line}\n`);
  };
  const onInteraction = async (interaction: Interaction): Promise<void> => {
    indicator?.stop();
    await printInteraction(interaction, ctx.stderr, { qr: ctx.isTTY || values.qr === true });
    indicator = startWaitingIndicator({
      out: ctx.stderr,
      isTTY: ctx.isTTY,
      message: 'waiting for the person',
    });
  };
  const deadline = createDeadline(
    ctx.signal,
    timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
  );
  const client = await createAAuthClientFromEnv(ctx.env, {
    signer,
    agentToken,
    consent: 'wait',
    onInteraction,
    onEvent: (event) => {
      const step = toStep(event);
      steps.push(step);
      if (values.explain === true) say(formatStep(step));
      // A poll that is no longer "pending" (200 approved, or a terminal error) ends the wait.
      if (
        event.step === 'poll' &&
        event.phase !== 'request' &&
        event.status !== 202 &&
        event.status !== 429
      ) {
        const decided = indicator?.running && event.status === 200;
        indicator?.stop(decided ? `✓ approved after ${formatElapsed(indicator.elapsedMs())}` : undefined);
      }
    },
    ...(development ? { development: true } : {}),
    ...(timeoutSeconds === undefined ? {} : { consentTimeoutMs: timeoutSeconds * 1000 }),
  });

  let response: Response;
  let text: string;
  try {
    response = await client.fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: deadline.signal,
    });
    text = await response.text();
  } catch (error) {
    if (deadline.expired && error instanceof AbortedError) {
      throw new TimeoutError(`no final answer from ${url.origin} within --timeout ${timeoutSeconds}s`);
    }
    throw error;
  } finally {
    indicator?.stop();
    deadline.dispose();
  }

  if (values.json === true) {
    const json = {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: bodyForJson(text, response.headers.get('content-type')),
      steps,
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    if (values.include === true) {
      const head = [`HTTP ${response.status} ${response.statusText}`.trimEnd()];
      for (const [name, value] of response.headers) head.push(`${name}: ${value}`);
      ctx.stdout.write(`${head.join('\n')}\n\n`);
    }
    if (text !== '') ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  if (response.status < 400) return EXIT.ok;
  const reason = refusalReason(response);
  ctx.stderr.write(
    `aauth-kit fetch: ${url.origin} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}\n${reason === undefined ? '' : `  ${reason}\n`}`,
  );
  return EXIT.refused;
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'send a signed request through the whole AAuth flow (consent included)',
  help,
  run,
};
