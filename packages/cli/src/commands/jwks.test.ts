import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/io.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

describe('aauth-kit jwks', () => {
  it("prints a key file's public JWKS, from --key or AAUTH_PRIVATE_KEY_FILE", async () => {
    const key = await generateKeyPair({ alg: 'ES256' });
    const path = join(mkdtempSync(join(tmpdir(), 'aauth-cli-jwks-')), 'k.pem');
    writeFileSync(path, key.privateKeyPem);
    const io = captureIo();
    expect(await run(['jwks', '--key', path], io)).toBe(EXIT.ok);
    expect(JSON.parse(io.out())).toEqual(key.jwks);
    const fromEnv = captureIo({ env: { AAUTH_PRIVATE_KEY_FILE: path } });
    expect(await run(['jwks', '--kid', 'ap-1'], fromEnv)).toBe(EXIT.ok);
    expect(JSON.parse(fromEnv.out())).toEqual({ keys: [{ ...key.publicJwk, kid: 'ap-1' }] });
  });

  it('says how to get a key when none is configured', async () => {
    const io = captureIo();
    expect(await run(['jwks'], io)).toBe(EXIT.configuration);
    expect(io.err()).toBe(
      'aauth-kit jwks: no agent key\n  → run `aauth-kit keygen --out agent.pem`, then pass --key agent.pem or set AAUTH_PRIVATE_KEY_FILE=agent.pem\n',
    );
  });
});
