import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/demo/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADAPTERS = ['LangChain', 'OpenAI Agents', 'Vercel AI SDK', 'MCP client'];
const TOOLS = ['list_documents', 'summarize_document'];

/** The summary table's rows, as cells (the columns are separated by two or more spaces). */
function summaryRows(output: string): string[][] {
  const lines = output.split('\n');
  const header = lines.findIndex((line) => /^\s+Adapter\s+Call\s+Request\s+Status/.test(line));
  expect(header).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: '', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What a person's browser does on the consent page: open it (session cookie, CSRF token), click Approve. */
async function approveInBrowser(consentUrl: string): Promise<void> {
  const page = await fetch(consentUrl);
  expect(page.status).toBe(200);
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const decision = await fetch(new URL('consent', consentUrl), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: field('code'), csrf: field('csrf'), decision: 'approve' }).toString(),
  });
  expect(decision.status).toBe(200);
}

describe('pnpm demo', () => {
  it('runs unattended with --auto-approve: every adapter reads at once and writes after consent, all signed and verified', async () => {
    const { code, stdout, stderr } = await run('npx', ['-y', 'pnpm@10', 'demo', '--auto-approve']);
    expect(stderr).not.toMatch(/FAILED|Error:/);
    expect(stdout).toContain('Consent: the simulated person approves');
    expect(stdout, 'no token is printed').not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);

    const rows = summaryRows(stdout);
    for (const adapter of ADAPTERS) {
      for (const tool of TOOLS) {
        expect(
          rows.some((row) => row[0] === adapter && row[1] === tool),
          `${adapter} ${tool}`,
        ).toBe(true);
      }
    }
    for (const [adapter, call, request, status, signed, verified, token, consent] of rows) {
      expect(status, `${adapter} ${call}`).toMatch(/^2\d\d$/);
      expect([signed, verified], `${adapter} ${call}`).toEqual(['yes', 'yes']);
      if (call === 'list_documents') {
        expect([token, consent], `${adapter} ${call}`).toEqual(['agent', 'no']);
      }
      if (call === 'summarize_document') {
        // The write needed an auth token, which the person's consent produced.
        expect(token, `${adapter} ${call}`).toBe('auth');
        expect(consent, `${adapter} ${call}`).toMatch(/^yes, \d+\.\d s$/);
        expect(request).toMatch(/^POST /);
      }
    }
    expect(stdout).toMatch(
      new RegExp(
        `Total: ${rows.length} calls through 4 adapters, ${rows.length} succeeded; ${rows.length} signed, ${rows.length} verified by the resource; 4 waited for consent`,
      ),
    );
    expect(stdout).toContain('All calls succeeded.');
    expect(code).toBe(0);
  }, 120_000);

  it('refuses an unknown argument with its usage and exit code 2', async () => {
    const { code, stderr } = await run('npx', ['-y', 'pnpm@10', 'demo', '--auto-aprove']);
    expect(stderr).toContain('unknown argument: --auto-aprove');
    expect(stderr).toContain('Usage: pnpm demo [--auto-approve]');
    expect(code).toBe(2);
  }, 60_000);

  it('in browser mode prints the consent page and waits until the person approves there', async () => {
    const lines: string[] = [];
    const approvals: Promise<void>[] = [];
    const result = await main({
      person: 'browser',
      log: (line) => {
        lines.push(line);
        const link = /Open (http:\/\/\S+\/consent\?code=\S+) in your browser/.exec(line)?.[1];
        // The person takes a moment before clicking Approve.
        if (link !== undefined) {
          approvals.push(
            new Promise((resolve) => setTimeout(resolve, 300)).then(() => approveInBrowser(link)),
          );
        }
      },
    });
    await Promise.all(approvals);

    expect(approvals).toHaveLength(4);
    expect(
      lines.some((line) => /check the code [0-9A-Z]{4}-[0-9A-Z]{4}, then click Approve/.test(line)),
    ).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.missing).toEqual([]);
    const writes = result.rows.filter((row) => row.call === 'summarize_document');
    expect(writes.map((row) => row.adapter)).toEqual(ADAPTERS);
    for (const write of writes) {
      expect(write).toMatchObject({ ok: true, signed: true, verified: true, token: 'auth' });
      expect(write.consentSeconds).toBeGreaterThanOrEqual(0.3);
    }
    expect(result.ok).toBe(true);
  }, 60_000);
});
