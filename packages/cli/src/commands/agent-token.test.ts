import { verifyToken } from '@aauth-kit/core';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/io.js';
import { claimsOf, keyOnDisk } from '../__fixtures__/keys.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

let dev: DevServer | undefined;
afterEach(async () => {
  await dev?.close();
  dev = undefined;
});

const SELF = [
  '--self',
  '--iss',
  'https://agents.example',
  '--sub',
  'aauth:bot@agents.example',
  '--ps',
  'https://ps.example',
];

describe('aauth-kit agent-token --self', () => {
  it('mints a token with the Agent Provider key, bound to the agent key', async () => {
    const agent = await keyOnDisk();
    const provider = await keyOnDisk('ap.pem', agent.dir);
    const io = captureIo();
    const argv = [
      'agent-token',
      '--key',
      agent.path,
      ...SELF,
      '--issuer-key',
      provider.path,
      '--kid',
      'ap-1',
    ];
    expect(await run([...argv, '--lifetime', '600', '--json'], io)).toBe(EXIT.ok);
    const json = JSON.parse(io.out()) as {
      agent_token: string;
      header: unknown;
      claims: unknown;
      expires_in: number;
    };
    expect(json.expires_in).toBe(600);
    expect(json.header).toEqual({ alg: 'Ed25519', kid: 'ap-1', typ: 'aa-agent+jwt' });
    expect(json.claims).toMatchObject({
      iss: 'https://agents.example',
      sub: 'aauth:bot@agents.example',
      ps: 'https://ps.example',
      cnf: { jwk: { x: agent.key.publicJwk.x } },
    });
    const verified = await verifyToken(json.agent_token, {
      accept: ['agent'],
      key: { ...provider.key.publicJwk, kid: 'ap-1' },
    });
    expect(verified.claims.sub).toBe('aauth:bot@agents.example');
  });

  it('signs with the agent key itself when no issuer key is given, and prints just the token', async () => {
    const agent = await keyOnDisk();
    const io = captureIo();
    expect(await run(['agent-token', '--key', agent.path, ...SELF], io)).toBe(EXIT.ok);
    const token = io.out().trim();
    expect(token.split('.')).toHaveLength(3);
    await expect(verifyToken(token, { accept: ['agent'], key: agent.key.publicJwk })).resolves.toBeDefined();
    expect(io.err()).toBe('agent aauth:bot@agents.example, token valid 3600s\n');
  });

  it('needs --development for localhost identifiers, and says so', async () => {
    const agent = await keyOnDisk();
    const local = [
      '--self',
      '--iss',
      'http://localhost:8752',
      '--sub',
      'aauth:bot@localhost',
      '--ps',
      'http://localhost:8751',
    ];
    const refused = captureIo();
    expect(await run(['agent-token', '--key', agent.path, ...local], refused)).toBe(EXIT.usage);
    expect(refused.err()).toContain('localhost identifiers (development profile only)');
    expect(refused.err()).toContain('pass --development');
    const allowed = captureIo();
    expect(await run(['agent-token', '--key', agent.path, ...local, '--development'], allowed)).toBe(EXIT.ok);
    expect(claimsOf(allowed.out().trim()).iss).toBe('http://localhost:8752');
  });
});

describe('aauth-kit agent-token --agent-provider', () => {
  it('registers the key at the dev Agent Provider, then refreshes without --register', async () => {
    dev = await startDevServer();
    const agent = await keyOnDisk();
    const unregistered = captureIo();
    expect(
      await run(
        ['agent-token', '--key', agent.path, '--agent-provider', dev.urls.agentProvider],
        unregistered,
      ),
    ).toBe(EXIT.configuration);
    expect(unregistered.err()).toBe(
      `aauth-kit agent-token: this key is not registered at ${dev.urls.agentProvider}\n` +
        `  → register it once: aauth-kit agent-token --agent-provider ${dev.urls.agentProvider} --register (same --key)\n`,
    );
    const io = captureIo();
    const argv = ['agent-token', '--key', agent.path, '--agent-provider', dev.urls.agentProvider];
    expect(await run([...argv, '--register', '--local', 'cli'], io)).toBe(EXIT.ok);
    expect(claimsOf(io.out().trim())).toMatchObject({
      sub: 'aauth:cli@localhost',
      ps: dev.identifiers.personServer,
    });
    const again = captureIo();
    expect(await run(argv, again)).toBe(EXIT.ok);
    expect(again.err()).toBe('agent aauth:cli@localhost, token valid 3600s\n');
  });

  it('refuses contradictory or incomplete choices as usage errors', async () => {
    const agent = await keyOnDisk();
    const cases: [string[], string][] = [
      [[], 'say where the agent token comes from'],
      [
        ['--agent-provider', 'http://localhost:1', '--self'],
        '--agent-provider and --self exclude each other',
      ],
      [['--agent-provider', 'http://localhost:1', '--iss', 'https://a.example'], '--iss is for --self'],
      [['--self', '--iss', 'https://a.example', '--ps', 'https://p.example'], 'missing --sub'],
      [[...SELF, '--lifetime', 'soon'], '--lifetime must be an integer of seconds'],
    ];
    for (const [extra, message] of cases) {
      const io = captureIo();
      expect(await run(['agent-token', '--key', agent.path, ...extra], io)).toBe(EXIT.usage);
      expect(io.err()).toContain(message);
    }
  });
});
