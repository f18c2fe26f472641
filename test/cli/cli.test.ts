/**
 * The `aauth-kit` binary as a user runs it: a subprocess of the TypeScript entry (through tsx, with the
 * workspace packages resolved to their sources), against a dev server started by the test whose
 * simulated person approves consents.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DevServer, startDevServer } from '@aauth-kit/dev-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ISSUER, signedRequest } from '../../packages/cli/src/__fixtures__/signed-request.js';
import { cli, finished, JWT, killLeftovers, printed, workdir } from './helpers.js';

let dev: DevServer | undefined;

afterEach(async () => {
  killLeftovers();
  await dev?.close();
  dev = undefined;
});

describe('aauth-kit as a subprocess', () => {
  it('keygen writes a 0600 key and prints its JWKS; jwks prints the same', async () => {
    const cwd = workdir();
    const keygen = await finished(['keygen'], { cwd });
    expect(keygen.code).toBe(0);
    expect(statSync(join(cwd, 'agent.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(cwd, 'agent.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const jwks = JSON.parse(keygen.stdout) as {
      keys: { kty: string; crv: string; kid: string; d?: string }[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0]!.d).toBeUndefined();
    expect(keygen.stderr).toContain('wrote the Ed25519 private key to agent.pem (mode 0600');
    const again = await finished(['jwks', '--key', 'agent.pem'], { cwd });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(jwks);
  }, 30_000);

  it('fetch runs a write through consent: URL, code, then the final body', async () => {
    dev = await startDevServer();
    const cwd = workdir();
    expect((await finished(['keygen'], { cwd })).code).toBe(0);
    const registered = await finished(
      ['agent-token', '--key', 'agent.pem', '--agent-provider', dev.urls.agentProvider, '--register'],
      { cwd },
    );
    expect(registered.code).toBe(0);
    const agentToken = registered.stdout.trim();
    expect(agentToken).toMatch(JWT);

    const summary = `${dev.urls.resource}/documents/1/summary`;
    const identity = ['--development', '--key', 'agent.pem', '--agent-provider', dev.urls.agentProvider];
    const plain = cli(['fetch', ...identity, '-X', 'POST', summary], { cwd });
    const pending = await dev.simulatedUser.next({ timeoutMs: 15_000 });
    await printed(plain.stderr, pending.url);
    expect(plain.stderr()).toContain(`code: ${pending.code}`);
    expect(plain.stderr()).toContain('waiting for the person');
    await dev.simulatedUser.approve(pending.code);
    expect(await plain.exit).toBe(0);
    expect(JSON.parse(plain.stdout())).toMatchObject({ document_id: '1', summary: expect.any(String) });
    expect(plain.stderr()).toMatch(/✓ approved after \d+s/);
    expect(plain.stderr()).not.toContain('→ request');

    // --explain: every protocol step appears as it happens, and no token appears in full.
    const explained = cli(
      ['fetch', ...identity, '-X', 'POST', `${dev.urls.resource}/documents/2/summary`, '--explain'],
      {
        cwd,
      },
    );
    const second = await dev.simulatedUser.next({ timeoutMs: 15_000 });
    await printed(explained.stderr, second.url);
    await dev.simulatedUser.approve(second.code);
    expect(await explained.exit).toBe(0);
    const steps = explained.stderr();
    for (const step of [
      '→ request ',
      '← challenge ',
      '→ person-token request ',
      '→ auth-token request ',
      '→ poll ',
      '← response             201',
    ]) {
      expect(steps).toContain(step);
    }
    expect(steps).toContain('resource-token="eyJ');
    expect(`${explained.stdout()}${steps}`).not.toMatch(JWT);
    expect(`${explained.stdout()}${steps}`).not.toContain(agentToken);
    expect(JSON.parse(explained.stdout())).toMatchObject({ document_id: '2' });
  }, 60_000);

  it('fetch stops on Ctrl-C while waiting for consent, with exit 130', async () => {
    dev = await startDevServer();
    const cwd = workdir();
    expect((await finished(['keygen'], { cwd })).code).toBe(0);
    const identity = [
      '--development',
      '--key',
      'agent.pem',
      '--agent-provider',
      dev.urls.agentProvider,
      '--register',
    ];
    const waiting = cli(['fetch', ...identity, '-X', 'POST', `${dev.urls.resource}/documents/3/summary`], {
      cwd,
    });
    const pending = await dev.simulatedUser.next({ timeoutMs: 15_000 });
    await printed(waiting.stderr, pending.url);
    waiting.child.kill('SIGINT');
    expect(await waiting.exit).toBe(130);
    expect(waiting.stderr()).toContain('aauth-kit fetch: interrupted');
  }, 60_000);

  it('verify accepts a good captured request and explains a tampered one', async () => {
    const cwd = workdir();
    const fixture = await signedRequest();
    writeFileSync(join(cwd, 'good.json'), JSON.stringify(fixture.request));
    writeFileSync(
      join(cwd, 'tampered.json'),
      JSON.stringify({ ...fixture.request, body: '{"text":"pwned"}' }),
    );
    writeFileSync(join(cwd, 'ap.jwks.json'), JSON.stringify(fixture.jwks));
    const pin = ['--issuer-jwks', `${ISSUER}=ap.jwks.json`];
    const good = await finished(['verify', '--request', 'good.json', ...pin], { cwd });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^valid: signed by Ed25519 key /);
    const tampered = await finished(['verify', '--request', '-', ...pin], {
      cwd,
      stdin: readFileSync(join(cwd, 'tampered.json'), 'utf8'),
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('invalid: Content-Digest does not match the body');
    expect(tampered.stdout).toContain('why: the signature does not match the request');
    expect(tampered.stdout).toContain('Signature-Error: error=invalid_signature');
  }, 30_000);

  it('exits 2 on usage errors, saying what to type', async () => {
    const cwd = workdir();
    const missing = await finished(['fetch'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'aauth-kit fetch: missing <url>\n  → run `aauth-kit help fetch` for the options\n',
    );
    const unknown = await finished(['sign'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "sign"');
    const badOption = await finished(['keygen', '--alg', 'RS256'], { cwd });
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--alg must be one of Ed25519, ES256');
  }, 30_000);
});
