/** Key files on disk for command tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedKeyPair, generateKeyPair } from '@aauth-kit/core';

export interface KeyOnDisk {
  key: GeneratedKeyPair;
  path: string;
  dir: string;
}

export async function keyOnDisk(name = 'agent.pem', dir?: string): Promise<KeyOnDisk> {
  const key = await generateKeyPair();
  const where = dir ?? mkdtempSync(join(tmpdir(), 'aauth-cli-'));
  const path = join(where, name);
  writeFileSync(path, key.privateKeyPem, { mode: 0o600 });
  return { key, path, dir: where };
}

/** The payload of a JWT, unverified (assertions only). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
