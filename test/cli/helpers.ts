/**
 * Running `aauth-kit` as a subprocess in tests: the TypeScript entry through tsx, with the workspace
 * packages resolved to their sources, in a clean environment (no AAUTH_* from the machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'packages/cli/src/bin.ts');
const tsxLoader = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;

/** A full JWT anywhere in a text. */
export const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code (128 + nothing when killed by a signal without a code). */
  exit: Promise<number>;
}

export interface CliOptions {
  cwd: string;
  stdin?: string;
  env?: Record<string, string>;
}

const children = new Set<ChildProcess>();

/** Starts `aauth-kit <args>`. */
export function cli(args: readonly string[], options: CliOptions): Cli {
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AAUTH_'))),
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader, '--conditions=@aauth-kit/source', entry, ...args],
    {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin!.end(options.stdin ?? '');
  const exit = new Promise<number>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve(code ?? 128);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Runs `aauth-kit <args>` to its end. */
export async function finished(args: readonly string[], options: CliOptions) {
  const run = cli(args, options);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Kills the subprocesses a failed test left running (the ones this module started). */
export function killLeftovers(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** Resolves once `text()` contains `needle` (or matches it), failing after `ms`. */
export async function printed(text: () => string, needle: string | RegExp, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const current = text();
    const match =
      typeof needle === 'string' ? (current.includes(needle) ? needle : null) : needle.exec(current)?.[0];
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`never printed ${String(needle)}:\n${current}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'aauth-cli-e2e-'));
}

/**
 * What a person does in a browser: opens the interaction URL on the dev Person Server (which signs them
 * in with a session cookie) and submits the Approve button of its form (code + CSRF token).
 */
export async function approveInBrowser(interactionUrl: string): Promise<string> {
  const page = await fetch(interactionUrl);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';', 1)[0]!;
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const form = new URLSearchParams({ code: field('code'), csrf: field('csrf'), decision: 'approve' });
  const answer = await fetch(new URL('consent', interactionUrl), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return `${answer.status} ${await answer.text()}`;
}
