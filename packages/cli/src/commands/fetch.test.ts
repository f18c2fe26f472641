import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintAgentToken } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type CapturedIo, captureIo } from '../__fixtures__/io.js';
import { type KeyOnDisk, keyOnDisk } from '../__fixtures__/keys.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

let dev: DevServer | undefined;
afterEach(async () => {
  await dev?.close();
  dev = undefined;
});

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

interface World {
  dev: DevServer;
  agent: KeyOnDisk;
  agentToken: string;
  summary: string;
  /** --key and --agent-token and --development */
  identity: string[];
}

async function world(): Promise<World> {
  dev = await startDevServer();
  const agent = await keyOnDisk();
  const { agentToken } = await dev.registerAgent({ publicJwk: agent.key.publicJwk });
  return {
    dev,
    agent,
    agentToken,
    summary: `${dev.urls.resource}/documents/1/summary`,
    identity: ['--key', agent.path, '--agent-token', agentToken, '--development'],
  };
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** Resolves once `text()` contains `needle` (the CLI printed it), failing after `ms`. */
async function printed(text: () => string, needle: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!text().includes(needle)) {
    if (Date.now() > deadline) throw new Error(`never printed ${needle}:\n${text()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a write that needs consent; resolves with the pending interaction once the CLI has shown it. */
async function writeWaitingForConsent(w: World, io: CapturedIo, extra: string[] = []) {
  const exit = run(['fetch', ...w.identity, '-X', 'POST', w.summary, ...extra], io);
  const pending = await w.dev.simulatedUser.next({ timeoutMs: 10_000 });
  await printed(io.err, pending.url);
  return { exit, pending };
}

describe('aauth-kit fetch', () => {
  it('reads with the agent token from the environment in one signed request', async () => {
    const w = await world();
    const io = captureIo({
      env: { AAUTH_PRIVATE_KEY_FILE: w.agent.path, AAUTH_AGENT_TOKEN: w.agentToken, AAUTH_DEVELOPMENT: '1' },
    });
    expect(await run(['fetch', `${w.dev.urls.resource}/documents`], io)).toBe(EXIT.ok);
    expect(JSON.parse(io.out())).toMatchObject({ documents: [{ id: '1' }, { id: '2' }, { id: '3' }] });
    expect(io.err()).toBe('');
  });

  it('runs a write through consent: shows the URL and code, waits, prints the final body', async () => {
    const w = await world();
    const io = captureIo();
    const timersBefore = activeTimers();
    const { exit, pending } = await writeWaitingForConsent(w, io);
    expect(io.err()).toContain(`Consent needed for ${w.dev.urls.resource} (scope: documents.write)`);
    expect(io.err()).toContain(`  ${pending.url}\n`);
    expect(io.err()).toContain(`  code: ${pending.code}`);
    expect(io.err()).toContain('… waiting for the person (Ctrl-C to stop)');
    expect(io.err()).not.toMatch(/[▀▄█]/); // no QR code when nobody watches a terminal
    await w.dev.simulatedUser.approve(pending.code);
    expect(await exit).toBe(EXIT.ok);
    expect(JSON.parse(io.out())).toMatchObject({ document_id: '1', summary: expect.any(String) });
    expect(io.err()).toMatch(/✓ approved after \d+s\n/);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore); // nothing of the wait left scheduled
  });

  it('--explain prints each protocol step as it happens, tokens redacted; --json has them for scripts', async () => {
    const w = await world();
    const io = captureIo();
    const { exit, pending } = await writeWaitingForConsent(w, io, ['--explain', '--json']);
    await w.dev.simulatedUser.approve(pending.code);
    expect(await exit).toBe(EXIT.ok);
    const err = io.err();
    const order = [
      `→ request              POST ${w.summary}  [signed, agent token]`,
      '← challenge            401',
      'AAuth-Requirement: requirement=person-token',
      '→ person-token request POST',
      `→ request              POST ${w.summary}  [signed, person token]`,
      'AAuth-Requirement: requirement=auth-token;resource-token="eyJ',
      '→ auth-token request   POST',
      `code="${pending.code}"`,
      '→ poll                 GET',
      '← poll                 200',
      `→ request              POST ${w.summary}  [signed, auth token]`,
      '← response             201',
    ];
    let at = 0;
    for (const line of order) {
      const found = err.indexOf(line, at);
      expect(found, `${line} after offset ${at} in\n${err}`).toBeGreaterThanOrEqual(at);
      at = found + line.length;
    }
    expect(`${io.out()}${err}`).not.toMatch(JWT);
    expect(`${io.out()}${err}`).not.toContain(w.agentToken);
    const json = JSON.parse(io.out()) as {
      status: number;
      headers: Record<string, string>;
      body: unknown;
      steps: { label: string }[];
    };
    expect(json.status).toBe(201);
    expect(json.body).toMatchObject({ document_id: '1' });
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.steps.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        'request',
        'challenge',
        'person-token request',
        'auth-token request',
        'poll',
        'response',
      ]),
    );
  });

  it('draws the QR code and a live line when a person watches the terminal', async () => {
    const w = await world();
    const io = captureIo({ isTTY: true });
    const { exit, pending } = await writeWaitingForConsent(w, io);
    await printed(io.err, 'waiting for the person…');
    expect(io.err()).toMatch(/[▀▄█]/);
    expect(io.err()).toContain('\r\x1b[2K');
    await w.dev.simulatedUser.approve(pending.code);
    expect(await exit).toBe(EXIT.ok);
  });

  it('exits 4 when the person denies, saying so', async () => {
    const w = await world();
    const io = captureIo();
    const { exit, pending } = await writeWaitingForConsent(w, io);
    await w.dev.simulatedUser.deny(pending.code);
    expect(await exit).toBe(EXIT.consent);
    expect(io.err()).toContain(`aauth-kit fetch: consent for ${w.dev.identifiers.resource} ended: denied`);
    expect(io.err()).toContain('→ the person answered "denied"; run the command again to ask again');
    expect(io.out()).toBe('');
  });

  it('exits 130 on Ctrl-C while waiting, and 5 when --timeout runs out', async () => {
    const w = await world();
    const interrupted = captureIo();
    const first = await writeWaitingForConsent(w, interrupted);
    interrupted.interrupt();
    expect(await first.exit).toBe(EXIT.aborted);
    expect(interrupted.err().endsWith('aauth-kit fetch: interrupted\n')).toBe(true);

    const timedOut = captureIo();
    const started = Date.now();
    const code = await run(
      ['fetch', ...w.identity, '-X', 'POST', `${w.dev.urls.resource}/documents/2/summary`, '--timeout', '1'],
      timedOut,
    );
    expect(code).toBe(EXIT.network);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(timedOut.err()).toContain('no final answer from');
    expect(timedOut.err()).toContain('within --timeout 1s');
  });

  it('exits 1 on HTTP >= 400, printing the body', async () => {
    const w = await world();
    const io = captureIo();
    expect(await run(['fetch', ...w.identity, '-i', `${w.dev.urls.resource}/documents/999`], io)).toBe(
      EXIT.refused,
    );
    expect(io.out()).toMatch(/^HTTP 404 Not Found\n/);
    expect(io.out()).toContain('"error":"not_found"');
    expect(io.err()).toBe(`aauth-kit fetch: ${w.dev.urls.resource} answered 404 Not Found\n`);
  });

  it('gets agent tokens from the dev Agent Provider with --agent-provider (--register once)', async () => {
    dev = await startDevServer();
    const agent = await keyOnDisk();
    const io = captureIo();
    const argv = ['fetch', '--development', '--key', agent.path, '--agent-provider', dev.urls.agentProvider];
    expect(await run([...argv, '--register', `${dev.urls.resource}/documents/2`], io)).toBe(EXIT.ok);
    expect(JSON.parse(io.out())).toMatchObject({ id: '2' });
  });

  it('refuses plain http without --development, and contradictory options, as usage errors', async () => {
    const w = await world();
    const cases: [string[], string][] = [
      [
        ['--key', w.agent.path, '--agent-token', w.agentToken, `${w.dev.urls.resource}/documents`],
        'over plain http',
      ],
      [
        [...w.identity, '--agent-provider', w.dev.urls.agentProvider, `${w.dev.urls.resource}/documents`],
        'exclude each other',
      ],
      [[...w.identity, '-X', 'GET', '-d', '{}', `${w.dev.urls.resource}/documents`], 'cannot carry -d data'],
      [[...w.identity, 'not-a-url'], 'is not an absolute URL'],
      [[...w.identity], 'missing <url>'],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await run(['fetch', ...argv], io)).toBe(EXIT.usage);
      expect(io.err()).toContain(message);
    }
  });

  it('reports an agent token bound to another key as a configuration error', async () => {
    const w = await world();
    const other = await keyOnDisk();
    const io = captureIo();
    const argv = ['fetch', '--development', '--key', other.path, '--agent-token', w.agentToken];
    expect(await run([...argv, `${w.dev.urls.resource}/documents`], io)).toBe(EXIT.configuration);
    expect(io.err()).toMatch(/^aauth-kit fetch: /);
  });

  it('explains a Signature-Error refusal in plain words', async () => {
    const refusing = createServer((_req, res) => {
      res.writeHead(401, { 'signature-error': 'error=invalid_input, required_input=("@query")' }).end();
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const agent = await keyOnDisk();
      const agentToken = await mintAgentToken(
        {
          iss: 'http://localhost:1',
          sub: 'aauth:a@localhost',
          ps: 'http://localhost:2',
          cnf: { jwk: agent.key.publicJwk },
        },
        { signer: agent.key.signer, kid: agent.key.kid, allowLocalhostHttp: true },
      );
      const io = captureIo();
      const argv = [
        'fetch',
        '--development',
        '--key',
        agent.path,
        '--agent-token',
        agentToken,
        `${origin}/x?y=1`,
      ];
      expect(await run(argv, io)).toBe(EXIT.refused);
      expect(io.err()).toBe(
        `aauth-kit fetch: ${origin} answered 401 Unauthorized\n` +
          '  Signature-Error invalid_input (required_input: @query): the signature does not cover every component the verifier requires; sign again covering the required_input components\n',
      );
    } finally {
      refusing.closeAllConnections();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
