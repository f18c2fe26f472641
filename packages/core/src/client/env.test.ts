import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { generateKeyPair } from '../keys/index.js';
import { mintAgentToken } from '../tokens/index.js';
import { createAAuthClientFromEnv } from './env.js';

async function fixture() {
  const agent = await generateKeyPair();
  const ap = await generateKeyPair();
  const token = await mintAgentToken(
    {
      iss: 'https://ap.example',
      sub: 'aauth:env@ap.example',
      cnf: { jwk: agent.publicJwk },
      ps: 'https://ps.example',
    },
    { signer: ap.signer, kid: ap.kid },
  );
  return { agent, token };
}

describe('createAAuthClientFromEnv', () => {
  it('builds a client from AAUTH_PRIVATE_KEY (with literal \\n) and AAUTH_AGENT_TOKEN', async () => {
    const { agent, token } = await fixture();
    const client = await createAAuthClientFromEnv({
      AAUTH_PRIVATE_KEY: agent.privateKeyPem.replace(/\n/g, '\\n'),
      AAUTH_AGENT_TOKEN: token,
      AAUTH_CONSENT: 'throw',
      AAUTH_DEVELOPMENT: 'false',
    });
    expect(typeof client.fetch).toBe('function');
    expect(client.pendingConsent()).toBeUndefined();
  });

  it('reads the key from AAUTH_PRIVATE_KEY_FILE', async () => {
    const { agent, token } = await fixture();
    const dir = await mkdtemp(join(tmpdir(), 'aauth-env-'));
    try {
      const file = join(dir, 'agent.pem');
      await writeFile(file, agent.privateKeyPem);
      const client = await createAAuthClientFromEnv({
        AAUTH_PRIVATE_KEY_FILE: file,
        AAUTH_AGENT_TOKEN: token,
      });
      expect(typeof client.signedRequest).toBe('function');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it.each([
    ['no key', {}],
    ['no agent token', { AAUTH_PRIVATE_KEY: 'KEY' }],
    ['a key that is not PEM', { AAUTH_PRIVATE_KEY: 'not a pem', AAUTH_AGENT_TOKEN: 'x' }],
    ['an unreadable key file', { AAUTH_PRIVATE_KEY_FILE: '/nonexistent/agent.pem', AAUTH_AGENT_TOKEN: 'x' }],
    ['a bad AAUTH_CONSENT', { AAUTH_PRIVATE_KEY: 'KEY', AAUTH_AGENT_TOKEN: 'TOKEN', AAUTH_CONSENT: 'maybe' }],
    [
      'a bad AAUTH_DEVELOPMENT',
      { AAUTH_PRIVATE_KEY: 'KEY', AAUTH_AGENT_TOKEN: 'TOKEN', AAUTH_DEVELOPMENT: 'sometimes' },
    ],
    [
      'a bad AAUTH_PERSON_SERVER',
      { AAUTH_PRIVATE_KEY: 'KEY', AAUTH_AGENT_TOKEN: 'TOKEN', AAUTH_PERSON_SERVER: 'ps.example' },
    ],
  ])('refuses %s with a ConfigurationError', async (_label, env: Record<string, string>) => {
    const { agent, token } = await fixture();
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, v === 'KEY' ? agent.privateKeyPem : v === 'TOKEN' ? token : v]),
    );
    await expect(createAAuthClientFromEnv(resolved)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('lets explicit overrides win over the environment', async () => {
    const { agent, token } = await fixture();
    // The environment alone would fail (no key, bad consent); the overrides supply and replace them.
    const client = await createAAuthClientFromEnv(
      { AAUTH_AGENT_TOKEN: 'not-used', AAUTH_CONSENT: 'throw' },
      { signer: agent.signer, agentToken: token, consent: 'wait' },
    );
    expect(typeof client.fetch).toBe('function');
  });
});
