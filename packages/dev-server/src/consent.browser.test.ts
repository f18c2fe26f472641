/**
 * The consent page in a real browser: headless Debian Chromium driven by playwright-core. These tests
 * fail (never skip) when /usr/bin/chromium is missing: CI installs it.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestAgent,
  obtainResourceToken,
  personServerMetadata,
  requirementOf,
  type TestAgent,
} from './__fixtures__/test-agent.js';
import { type DevServer, startDevServer } from './dev-server.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const JUSTIFICATION = 'Summarize <script>alert("x")</script> the quarterly report for the Monday digest.';

let launched: Promise<Browser> | undefined;
let context: BrowserContext | undefined;
let server: DevServer;

/**
 * The shared browser, launched on first use inside a test: a missing Chromium fails every test that
 * needs it (a failing hook would only mark them skipped).
 */
async function browser(): Promise<Browser> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is required (apt-get install chromium)`).toBe(true);
  launched ??= chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return launched;
}

/** A fresh browser context (own cookies) for the current test. */
async function newPage(): Promise<Page> {
  context = await (await browser()).newContext();
  return context.newPage();
}

afterAll(async () => {
  await (await launched?.catch(() => undefined))?.close();
});
beforeEach(async () => {
  server = await startDevServer({ pollIntervalSeconds: 0 });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await server?.close();
});

/** Starts a consent-guarded auth token request; returns where the person goes and where the agent polls. */
async function startConsent(
  agent: TestAgent,
): Promise<{ interactionUrl: string; location: string; code: string }> {
  const { personToken, resourceToken } = await obtainResourceToken(server, agent);
  const metadata = await personServerMetadata(server);
  const response = await agent.request(metadata.auth_token_endpoint!, {
    json: {
      resource_token: resourceToken,
      presented_token: personToken,
      justification: JUSTIFICATION,
      capabilities: ['interaction'],
    },
  });
  expect(response.status).toBe(202);
  const { url, code } = requirementOf(response);
  return {
    interactionUrl: `${url}?code=${encodeURIComponent(code!)}`,
    location: response.headers.get('location')!,
    code: code!,
  };
}

describe('consent page in Chromium', () => {
  it('shows agent, resource and scopes apart from what the agent says; Approve delivers the auth token', async () => {
    const agent = await createTestAgent(server, { local: 'browser-agent' });
    const { interactionUrl, location, code } = await startConsent(agent);
    const page = await newPage();
    const opened = await page.goto(interactionUrl);
    expect(opened?.status()).toBe(200);

    await expect(page.title()).resolves.toContain('Sample documents API');
    expect(await page.getByTestId('code').textContent()).toBe(code);
    const identity = (await page.getByTestId('agent-identity').textContent()) ?? '';
    expect(identity).toContain(agent.agentId);
    const resourceBlock = (await page.getByTestId('resource-asserted').textContent()) ?? '';
    expect(resourceBlock).toContain('Sample documents API');
    expect(resourceBlock).toContain('documents.write');
    expect(resourceBlock).toContain('Create summaries of your documents');
    expect(resourceBlock).not.toContain('quarterly report');
    const agentBlock = page.getByTestId('agent-asserted');
    expect(await agentBlock.textContent()).toContain('not verified');
    // The justification is shown as text: the markup it carries is not interpreted.
    expect(await page.getByTestId('justification').textContent()).toBe(JUSTIFICATION);
    expect(await page.locator('script').count()).toBe(0);

    const poll = await agent.request(location);
    expect(await poll.json()).toEqual({ status: 'interacting' });

    await page.screenshot({ path: '/tmp/consent.png', fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Approved');

    const done = await agent.request(location);
    expect(done.status).toBe(200);
    const { auth_token: authToken } = (await done.json()) as { auth_token: string };
    const write = await agent.request(`${server.identifiers.resource}/documents/1/summary`, {
      method: 'POST',
      token: authToken,
    });
    expect(write.status).toBe(201);

    // The code is spent: opening it again is refused.
    const again = await page.goto(interactionUrl);
    expect(again?.status()).toBe(410);
  });

  it('Deny makes the agent’s next poll answer 403 denied', async () => {
    const agent = await createTestAgent(server);
    const { interactionUrl, location } = await startConsent(agent);
    const page = await newPage();
    await page.goto(interactionUrl);
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Denied');
    const poll = await agent.request(location);
    expect(poll.status).toBe(403);
    expect(await poll.json()).toMatchObject({ error: 'denied' });
  });

  it('refuses the form from another browser session (the code belongs to the first one)', async () => {
    const agent = await createTestAgent(server);
    const { interactionUrl, location } = await startConsent(agent);
    const first = await newPage();
    await first.goto(interactionUrl);
    const otherContext = await (await browser()).newContext();
    try {
      const second = await otherContext.newPage();
      const response = await second.goto(interactionUrl);
      expect(response?.status()).toBe(410);
    } finally {
      await otherContext.close();
    }
    expect((await agent.request(location)).status).toBe(202);
  });
});
