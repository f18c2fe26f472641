import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwkThumbprint, publicJwkFromPem } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/io.js';
import { EXIT } from '../exit-codes.js';
import { run } from '../main.js';

const dir = () => mkdtempSync(join(tmpdir(), 'aauth-cli-keygen-'));

describe('aauth-kit keygen', () => {
  it('writes a 0600 PKCS#8 key and prints the JWKS of its public half', async () => {
    const out = join(dir(), 'agent.pem');
    const io = captureIo();
    expect(await run(['keygen', '--out', out], io)).toBe(EXIT.ok);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const pem = readFileSync(out, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const jwks = JSON.parse(io.out()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    const publicJwk = publicJwkFromPem(pem);
    expect(jwks.keys[0]).toEqual(publicJwk);
    expect(jwks.keys[0]!.kid).toBe(jwkThumbprint(publicJwk));
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(io.err()).toContain(`wrote the Ed25519 private key to ${out} (mode 0600`);
  });

  it('makes ES256 keys and uses the kid given', async () => {
    const out = join(dir(), 'p256.pem');
    const io = captureIo();
    expect(await run(['keygen', '--out', out, '--alg', 'ES256', '--kid', 'agent-1'], io)).toBe(EXIT.ok);
    const jwks = JSON.parse(io.out()) as { keys: Record<string, string>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: 'agent-1' });
  });

  it('never overwrites a key unless --force', async () => {
    const out = join(dir(), 'agent.pem');
    writeFileSync(out, 'precious', { mode: 0o644 });
    const io = captureIo();
    expect(await run(['keygen', '--out', out], io)).toBe(EXIT.configuration);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(io.err()).toBe(
      `aauth-kit keygen: ${out} already exists\n  → pass --force to replace it (the old key is lost), or choose another --out\n`,
    );
    expect(io.out()).toBe('');

    expect(await run(['keygen', '--out', out, '--force'], captureIo())).toBe(EXIT.ok);
    expect(readFileSync(out, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('refuses an unknown algorithm as a usage error', async () => {
    const io = captureIo();
    expect(await run(['keygen', '--out', join(dir(), 'k.pem'), '--alg', 'RS256'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain('--alg must be one of Ed25519, ES256, got "RS256"');
  });
});
