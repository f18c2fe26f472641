/**
 * The CLI README's quick start, run line by line as written, so the documentation cannot drift: `cmd &`
 * runs in the background (until `kill %1`), `export` sets the environment of later lines, and every other
 * line must exit 0. When `fetch` prints a consent URL, the test does what the README tells the person to
 * do: open it and click Approve (over HTTP, as a browser would). The only change to the text: the dev
 * server's documented ports 8750-8752 are moved to free ones, so a developer's own `aauth-kit dev` or a
 * parallel test cannot collide with this run.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { approveInBrowser, type Cli, cli, JWT, killLeftovers, printed, workdir } from './helpers.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages/cli/README.md');
const CONSENT_URL = /http:\/\/localhost:\d+\/consent\?code=[0-9A-Z-]+/;

afterEach(() => killLeftovers());

function quickStartLines(markdown: string): string[] {
  const section = markdown.split(/^## Quick start\s*$/m)[1];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error('no ```sh block under "## Quick start"');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three consecutive free ports below the ephemeral range (the dev server's resource, PS, AP). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 2))) return base;
  }
  throw new Error('no three consecutive free ports');
}

interface Step {
  line: string;
  stdout: string;
  stderr: string;
  approval?: string;
}

describe('packages/cli/README.md quick start', () => {
  it('runs as written, the person approving the write in the consent page', async () => {
    const lines = quickStartLines(readFileSync(readme, 'utf8'));
    const base = await freeBase();
    const cwd = workdir();
    const env: Record<string, string> = {};
    const steps: Step[] = [];
    let background: Cli | undefined;

    for (const written of lines) {
      const line = written.replace(
        /localhost:875([0-2])/g,
        (_, n: string) => `localhost:${base + Number(n)}`,
      );
      if (line.startsWith('export ')) {
        for (const pair of line.slice('export '.length).trim().split(/\s+/)) {
          const [name, value] = pair.split('=');
          env[name!] = value!;
        }
        continue;
      }
      if (line === 'kill %1') {
        expect(background, 'kill %1 without a background job').toBeDefined();
        background!.child.kill('SIGTERM');
        expect(await background!.exit).toBe(0);
        steps.push({ line, stdout: background!.stdout(), stderr: background!.stderr() });
        continue;
      }
      const inBackground = line.endsWith('&');
      const [program, ...args] = line.replace(/&$/, '').trim().split(/\s+/);
      expect(program).toBe('aauth-kit');
      if (args[0] === 'dev') args.push('--port', String(base));
      const run = cli(args, { cwd, env: { ...env } });
      if (inBackground) {
        background = run;
        await printed(run.stdout, 'Press Ctrl-C to stop.');
        continue;
      }
      let exited = false;
      void run.exit.then(() => {
        exited = true;
      });
      let approval: string | undefined;
      while (!exited) {
        const url = CONSENT_URL.exec(run.stderr())?.[0];
        if (url !== undefined && approval === undefined) approval = await approveInBrowser(url);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const code = await run.exit;
      expect(code, `${line}\n${run.stderr()}`).toBe(0);
      steps.push({ line, stdout: run.stdout(), stderr: run.stderr(), ...(approval ? { approval } : {}) });
    }

    const [keygen, register, read, write, stopped] = steps;
    expect(keygen!.line).toMatch(/^aauth-kit keygen/);
    expect(JSON.parse(keygen!.stdout)).toMatchObject({ keys: [{ kty: 'OKP', crv: 'Ed25519' }] });
    expect(register!.stdout.trim()).toMatch(JWT);
    expect(JSON.parse(read!.stdout)).toMatchObject({ documents: expect.any(Array) });
    expect(write!.approval).toMatch(/^200 [\s\S]*Approved/);
    expect(write!.stderr).toContain('← challenge');
    expect(write!.stderr).toContain('→ poll');
    expect(write!.stderr).not.toMatch(JWT);
    expect(JSON.parse(write!.stdout)).toMatchObject({ document_id: '1', summary: expect.any(String) });
    expect(stopped!.line).toBe('kill %1');
    expect(stopped!.stderr).toContain('dev server stopped');
  }, 90_000);
});
