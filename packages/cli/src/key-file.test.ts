import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { SetupError } from './errors.js';
import { findKey, publicJwkFrom, signerFrom } from './key-file.js';

async function keyFile(): Promise<{
  path: string;
  pem: string;
  publicPem: string;
  kid: string;
  dir: string;
}> {
  const key = await generateKeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'aauth-cli-key-'));
  const path = join(dir, 'agent.pem');
  writeFileSync(path, key.privateKeyPem, { mode: 0o600 });
  return { path, pem: key.privateKeyPem, publicPem: key.publicKeyPem, kid: key.kid, dir };
}

async function setupError(promise: Promise<unknown>): Promise<SetupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SetupError);
  return error as SetupError;
}

describe('agent key files', () => {
  it('reads --key first, then AAUTH_PRIVATE_KEY_FILE, then AAUTH_PRIVATE_KEY (with literal \\n)', async () => {
    const { path, pem } = await keyFile();
    expect(await findKey(path, { AAUTH_PRIVATE_KEY: 'ignored' })).toEqual({ pem, origin: path });
    expect(await findKey(undefined, { AAUTH_PRIVATE_KEY_FILE: path })).toEqual({ pem, origin: path });
    const oneLine = pem.trimEnd().replace(/\n/g, '\\n');
    expect(await findKey(undefined, { AAUTH_PRIVATE_KEY: oneLine })).toEqual({
      pem: pem.trimEnd(),
      origin: 'AAUTH_PRIVATE_KEY',
    });
  });

  it('says how to create a key when there is none', async () => {
    const error = await setupError(findKey(undefined, {}));
    expect(error.message).toBe('no agent key');
    expect(error.hint).toContain('aauth-kit keygen --out agent.pem');
    expect(error.hint).toContain('AAUTH_PRIVATE_KEY_FILE');
  });

  it('refuses a missing file and contradictory variables', async () => {
    const missing = await setupError(findKey('/nonexistent/agent.pem', {}));
    expect(missing.message).toBe('cannot read the key file /nonexistent/agent.pem (no such file)');
    const both = await setupError(
      findKey(undefined, { AAUTH_PRIVATE_KEY_FILE: 'a', AAUTH_PRIVATE_KEY: 'b' }),
    );
    expect(both.message).toContain('both');
  });

  it('signs with the key, under the kid asked for', async () => {
    const { path, kid } = await keyFile();
    const source = await findKey(path, {});
    expect(signerFrom(source).publicJwk.kid).toBe(kid);
    expect(signerFrom(source, 'my-kid').publicJwk.kid).toBe('my-kid');
    expect(signerFrom(source).sign(new Uint8Array([1, 2, 3]))).toHaveLength(64);
  });

  it('reads public JWKs from private and public PEMs alike', async () => {
    const { path, publicPem, kid } = await keyFile();
    const fromPrivate = publicJwkFrom(await findKey(path, {}));
    const fromPublic = publicJwkFrom({ pem: publicPem, origin: 'pub.pem' });
    expect(fromPublic).toEqual(fromPrivate);
    expect(fromPrivate).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', kid });
    expect(fromPrivate).not.toHaveProperty('d');
  });

  it('turns a file that is not a key into a setup error naming it', async () => {
    const { dir } = await keyFile();
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a pem');
    const source = await findKey(junk, {});
    expect(() => signerFrom(source)).toThrow(SetupError);
    expect(() => signerFrom(source)).toThrow(`${junk} is not a usable private key`);
    expect(() => publicJwkFrom(source)).toThrow(SetupError);
  });
});
