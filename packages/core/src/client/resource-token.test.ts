import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKeyPair, generateKeyPair, jwkThumbprint } from '../keys/index.js';
import { mintResourceToken } from '../tokens/index.js';
import { ProtocolError } from './errors.js';
import { checkResourceToken, type ResourceTokenExpectations } from './resource-token.js';

const RESOURCE = 'https://resource.example';
const PS = 'https://ps.example';
let resourceKey: GeneratedKeyPair;
let agentKey: GeneratedKeyPair;
let expect0: ResourceTokenExpectations;
const NOW = 1_800_000_000;

function mint(overrides: Record<string, unknown> = {}): Promise<string> {
  const claims = {
    iss: RESOURCE,
    aud: PS,
    ps: PS,
    sub: 'person-1',
    presented_jti: 'pt-1',
    agent_jkt: jwkThumbprint(agentKey.publicJwk),
    scope: 'documents.write documents.read',
    login_hint: 'alice',
    ...overrides,
  };
  return mintResourceToken(claims as Parameters<typeof mintResourceToken>[0], {
    signer: resourceKey.signer,
    kid: resourceKey.kid,
    now: () => NOW,
  });
}

beforeAll(async () => {
  resourceKey = await generateKeyPair();
  agentKey = await generateKeyPair();
  expect0 = {
    resource: RESOURCE,
    thumbprint: jwkThumbprint(agentKey.publicJwk),
    personServer: PS,
    presented: { jti: 'pt-1', sub: 'person-1' },
    nowSeconds: NOW + 10,
    url: `${RESOURCE}/x`,
  };
});

describe('checkResourceToken (agent-side checks)', () => {
  it('accepts a token naming this resource, key, PS and presented token, and reads scope and login_hint', async () => {
    const checked = checkResourceToken(await mint(), expect0);
    expect(checked.scope).toEqual(['documents.write', 'documents.read']);
    expect(checked.loginHint).toBe('alice');
  });

  it.each([
    ['iss is another resource', { iss: 'https://evil.example' }],
    ['agent_jkt is another key', { agent_jkt: 'x'.repeat(43) }],
    ['ps is another PS', { ps: 'https://other-ps.example' }],
    ['presented_jti is another token', { presented_jti: 'pt-2' }],
    ['sub is another person', { sub: 'person-2' }],
  ])('rejects a token whose %s', async (_label, overrides) => {
    const token = await mint(overrides);
    expect(() => checkResourceToken(token, expect0)).toThrow(ProtocolError);
  });

  it('rejects an expired token', async () => {
    const token = await mint();
    expect(() => checkResourceToken(token, { ...expect0, nowSeconds: NOW + 3600 })).toThrow(/expired/);
  });

  it('rejects garbage and tokens of another type', async () => {
    expect(() => checkResourceToken('not-a-jwt', expect0)).toThrow(ProtocolError);
    const header = Buffer.from(JSON.stringify({ alg: 'Ed25519', typ: 'aa-auth+jwt' })).toString('base64url');
    const [, payload, signature] = (await mint()).split('.');
    expect(() => checkResourceToken(`${header}.${payload}.${signature}`, expect0)).toThrow(/typ/);
  });
});
