import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/io.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

async function printed(text: () => string, needle: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!text().includes(needle)) {
    if (Date.now() > deadline) throw new Error(`never printed ${needle}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('aauth-kit dev', () => {
  it('serves until interrupted, prints its URLs, then stops cleanly', async () => {
    const io = captureIo();
    const exit = run(['dev', '--port', '0', '--json'], io);
    await printed(io.out, '\n');
    const { urls } = JSON.parse(io.out()) as { urls: Record<string, string> };
    const metadata = await fetch(`${urls.agentProvider}/.well-known/aauth-agent.json`);
    expect(await metadata.json()).toMatchObject({ issuer: urls.agentProvider });
    expect((await fetch(`${urls.resource}/.well-known/aauth-resource.json`)).status).toBe(200);
    io.interrupt();
    expect(await exit).toBe(EXIT.ok);
    expect(io.err()).toContain('dev server stopped');
    await expect(fetch(`${urls.agentProvider}/.well-known/aauth-agent.json`)).rejects.toThrow();
  });

  it('prints a guide with every URL and how to register an agent', async () => {
    const io = captureIo();
    const exit = run(['dev', '--port', '0', '--auto-approve'], io);
    await printed(io.out, 'Press Ctrl-C to stop.');
    const text = io.out();
    for (const role of ['Agent Provider', 'Person Server', 'Consent page', 'Resource']) {
      expect(text).toMatch(new RegExp(`  ${role} +http://localhost:\\d+`));
    }
    expect(text).toContain('(auto-approve: every consent is granted at once)');
    expect(text).toMatch(
      /aauth-kit agent-token --key agent\.pem --agent-provider http:\/\/localhost:\d+ --register/,
    );
    io.interrupt();
    expect(await exit).toBe(EXIT.ok);
  });

  it('exits 3 with a hint when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const io = captureIo();
      expect(await run(['dev', '--port', String(port)], io)).toBe(EXIT.configuration);
      expect(io.err()).toContain('→ the port is taken: pass --port <another> or stop the other process');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('refuses a bad port as a usage error', async () => {
    const io = captureIo();
    expect(await run(['dev', '--port', 'http'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('--port must be an integer from 0 to 65535');
  });
});
