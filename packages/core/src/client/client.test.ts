import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidArgumentError } from '../errors.js';
import { type GeneratedKeyPair, generateKeyPair } from '../keys/index.js';
import { mintAgentToken } from '../tokens/index.js';
import { createAAuthClient } from './client.js';
import type { AAuthClientOptions } from './types.js';

let agent: GeneratedKeyPair;
let token: string;

beforeAll(async () => {
  agent = await generateKeyPair();
  const ap = await generateKeyPair();
  token = await mintAgentToken(
    { iss: 'https://ap.example', sub: 'aauth:c@ap.example', cnf: { jwk: agent.publicJwk } },
    { signer: ap.signer, kid: ap.kid },
  );
});

describe('createAAuthClient options', () => {
  it.each<[string, () => Partial<AAuthClientOptions>]>([
    ['a missing signer', () => ({ signer: undefined })],
    [
      'a signer without publicJwk',
      () => ({ signer: { alg: 'Ed25519', sign: () => new Uint8Array(64) } as never }),
    ],
    ['an unknown consent mode', () => ({ consent: 'later' as never })],
    ['a negative timeout', () => ({ consentTimeoutMs: -1 })],
    ['a personServer that is not an identifier', () => ({ personServer: 'https://ps.example/path' })],
    [
      'both agentToken and agentProvider',
      () => ({
        agentProvider: {
          issuer: 'https://ap.example',
          signer: agent.signer,
          kid: 'k',
          agentId: 'aauth:x@ap.example',
        },
      }),
    ],
    ['capabilities that are not tokens', () => ({ capabilities: ['not a token'] })],
  ])('refuses %s with a ConfigurationError', (_label, overrides) => {
    expect(() =>
      createAAuthClient({ signer: agent.signer, agentToken: token, ...overrides() } as AAuthClientOptions),
    ).toThrow(ConfigurationError);
  });

  it('refuses to sign for an http resource unless development is on', async () => {
    const client = createAAuthClient({
      signer: agent.signer,
      agentToken: token,
      fetch: async () => new Response(''),
    });
    await expect(client.fetch('http://api.example/x')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('returns a non-AAuth answer untouched after one signed exchange', async () => {
    const seen: Request[] = [];
    const client = createAAuthClient({
      signer: agent.signer,
      agentToken: token,
      fetch: async (input, init) => {
        seen.push(new Request(input, init));
        return new Response('teapot', { status: 418 });
      },
    });
    const response = await client.signedRequest('POST', 'https://api.example/x', { json: { a: 1 } });
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('teapot');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(seen[0]!.headers.get('signature-key')).toBe(`sig=jwt;jwt="${token}"`);
    expect(seen[0]!.headers.get('aauth-capabilities')).toBe('interaction');
    expect(await seen[0]!.text()).toBe('{"a":1}');
  });

  it('needs a Person Server to answer a person-token challenge', async () => {
    const client = createAAuthClient({
      signer: agent.signer,
      agentToken: token,
      fetch: async () =>
        new Response(null, { status: 401, headers: { 'aauth-requirement': 'requirement=person-token' } }),
    });
    await expect(client.fetch('https://api.example/x')).rejects.toBeInstanceOf(ConfigurationError);
  });
});
