/**
 * The agent's checks on an auth token its Person Server returns (P11 #auth-token-response-verification):
 * `iss` must be the resource token's `aud` (the server the resource sent the agent to).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../packages/core/src/client/index.js';
import { mintAuthToken } from '../../packages/core/src/index.js';
import { type FakeWorld, fakeWorld, PERSON, SCOPE } from './fake-world.js';
import { json } from './helpers.js';

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('auth tokens from the Person Server', () => {
  it('refuses an auth token whose iss is not the resource token aud, and never presents it', async () => {
    world = await fakeWorld({
      ps: async (request, w) => {
        if (request.path !== '/token') return undefined;
        const foreign = await mintAuthToken(
          {
            iss: 'http://localhost:7',
            aud: w.resource.origin,
            ps: w.ps.origin,
            sub: PERSON,
            scope: SCOPE,
            cnf: { jwk: w.agentKey.publicJwk },
          },
          { signer: w.psKey.signer, kid: w.psKey.kid, lifetimeSeconds: 3600, allowLocalhostHttp: true },
        );
        return json(200, { auth_token: foreign, expires_in: 3600 });
      },
    });
    const error = await world.client.fetch(`${world.resource.origin}/files/1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(/iss/);
    const typOfPresented = (headers: Record<string, unknown>): unknown => {
      const jwt = /jwt="([^"]+)"/.exec(String(headers['signature-key'] ?? ''))?.[1] ?? '';
      return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')).typ;
    };
    const presentedAuth = world.resource.requests.filter((r) => typOfPresented(r.headers) === 'aa-auth+jwt');
    expect(presentedAuth).toEqual([]);
  });
});
