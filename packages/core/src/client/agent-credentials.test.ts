import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { type GeneratedKeyPair, generateKeyPair, jwkThumbprint } from '../keys/index.js';
import { mintAgentToken } from '../tokens/index.js';
import { AgentCredentials } from './agent-credentials.js';
import { readToken } from './token-info.js';

const AP = 'https://ap.example';
let apKey: GeneratedKeyPair;
let agentKey: GeneratedKeyPair;

beforeAll(async () => {
  apKey = await generateKeyPair();
  agentKey = await generateKeyPair();
});

function agentToken(key: GeneratedKeyPair, nowSeconds: number, lifetimeSeconds = 3600): Promise<string> {
  return mintAgentToken(
    { iss: AP, sub: 'aauth:bot@ap.example', cnf: { jwk: key.publicJwk }, ps: 'https://ps.example' },
    { signer: apKey.signer, kid: apKey.kid, now: () => nowSeconds, lifetimeSeconds },
  );
}

describe('AgentCredentials', () => {
  it('accepts a static token bound to the signer and reads its identity and PS', async () => {
    const nowMs = Date.now();
    const token = await agentToken(agentKey, nowMs / 1000);
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentToken: token,
      development: false,
      now: () => nowMs,
    });
    const state = await credentials.get();
    expect(state.token).toBe(token);
    expect(state.identity).toBe(`${AP} aauth:bot@ap.example`);
    expect(state.ps).toBe('https://ps.example');
    expect(state.thumbprint).toBe(jwkThumbprint(agentKey.publicJwk));
    expect(state.refreshable).toBe(false);
  });

  it('refuses a token bound to another key, or no token at all', async () => {
    const other = await generateKeyPair();
    const token = await agentToken(other, Date.now() / 1000);
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentToken: token,
      development: false,
      now: Date.now,
    });
    await expect(credentials.get()).rejects.toThrow(/not bound to the signer key/);
    expect(
      () => new AgentCredentials({ signer: agentKey.signer, development: false, now: Date.now }),
    ).toThrow(ConfigurationError);
  });

  it('refuses an expired static token with a ConfigurationError', async () => {
    const token = await agentToken(agentKey, Date.now() / 1000 - 7200);
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentToken: token,
      development: false,
      now: Date.now,
    });
    await expect(credentials.get()).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('asks a provider again only once the token is inside the refresh margin', async () => {
    let clock = Date.now();
    let calls = 0;
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentToken: async () => {
        calls++;
        return agentToken(agentKey, clock / 1000);
      },
      development: false,
      now: () => clock,
    });
    const first = await credentials.get();
    await credentials.get();
    expect(calls).toBe(1);
    clock += (3600 - 299) * 1000; // inside the 5-minute margin
    const second = await credentials.get();
    expect(calls).toBe(2);
    expect(second.token).not.toBe(first.token);
  });

  it('shares one provider call among concurrent callers', async () => {
    let calls = 0;
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentToken: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return agentToken(agentKey, Date.now() / 1000);
      },
      development: false,
      now: Date.now,
    });
    await Promise.all(Array.from({ length: 20 }, () => credentials.get()));
    expect(calls).toBe(1);
  });

  it('mints its own tokens as a self-hosted Agent Provider, bound to the current key', async () => {
    const credentials = new AgentCredentials({
      signer: agentKey.signer,
      agentProvider: {
        issuer: AP,
        signer: apKey.signer,
        kid: apKey.kid,
        agentId: 'aauth:self@ap.example',
        personServer: 'https://ps.example',
        lifetimeSeconds: 600,
      },
      development: false,
      now: Date.now,
    });
    const state = await credentials.get();
    const info = readToken(state.token, 'agent token');
    expect(info.typ).toBe('aa-agent+jwt');
    expect(info.claims).toMatchObject({ iss: AP, sub: 'aauth:self@ap.example', ps: 'https://ps.example' });
    expect(info.exp! - info.iat!).toBe(600);
    expect(info.cnfThumbprint).toBe(jwkThumbprint(agentKey.publicJwk));
  });

  it('picks up a rotated key: a new token is obtained for the new key', async () => {
    let current = agentKey;
    const next = await generateKeyPair();
    const signer = {
      get alg() {
        return current.signer.alg;
      },
      get publicJwk() {
        return current.signer.publicJwk;
      },
      sign: (data: Uint8Array) => current.signer.sign(data),
    };
    const credentials = new AgentCredentials({
      signer,
      agentToken: () => agentToken(current, Date.now() / 1000),
      development: false,
      now: Date.now,
    });
    const before = await credentials.get();
    current = next;
    const after = await credentials.get();
    expect(after.thumbprint).toBe(jwkThumbprint(next.publicJwk));
    expect(after.thumbprint).not.toBe(before.thumbprint);
  });
});
