/**
 * `aauth-kit keygen`: a fresh agent key. The PKCS#8 private key goes to a file only its owner can read
 * (created with mode 0600, never over an existing file unless --force); the public JWKS goes to stdout,
 * ready to register or publish.
 */
import { open, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ALG, generateKeyPair, SUPPORTED_ALGS } from '@aauth-kit/core';
import { oneOf, parseOrUsage, positionals } from '../args.js';
import { SetupError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import type { Command } from './types.js';

export const DEFAULT_KEY_FILE = 'agent.pem';
const PRIVATE_FILE_MODE = 0o600;

const help = `Usage: aauth-kit keygen [--out ${DEFAULT_KEY_FILE}] [--alg Ed25519|ES256] [--kid <id>] [--force]

Writes a new private key (PKCS#8 PEM, file mode 0600) and prints its public JWKS on stdout.

Options:
  --out <file>    where to write the private key (default ${DEFAULT_KEY_FILE})
  --alg <alg>     Ed25519 (default) or ES256
  --kid <id>      key id in the printed JWKS (default: the RFC 7638 thumbprint). The PEM does not
                  keep it: pass the same --kid to \`jwks\` and \`agent-token --self\`
  --force         replace an existing file (the old key is lost)

Example:
  aauth-kit keygen --out agent.pem > agent.jwks.json`;

/** Creates `path` with mode 0600; refuses an existing file unless `force`. */
async function writePrivateKey(path: string, pem: string, force: boolean): Promise<void> {
  if (force) await rm(path, { force: true });
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'wx', PRIVATE_FILE_MODE);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'EEXIST') {
      throw new SetupError(
        `${path} already exists`,
        'pass --force to replace it (the old key is lost), or choose another --out',
        { cause },
      );
    }
    throw new SetupError(`cannot create ${path}`, 'choose another --out', { cause });
  }
  try {
    await file.writeFile(pem, 'utf8');
    // The mode given to open() is masked by the umask; make it exactly 0600 whatever the umask.
    await file.chmod(PRIVATE_FILE_MODE);
  } finally {
    await file.close();
  }
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('keygen', () =>
    parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o' },
        alg: { type: 'string' },
        kid: { type: 'string' },
        force: { type: 'boolean', short: 'f' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  positionals('keygen', rest, []);
  const alg = oneOf('keygen', 'alg', values.alg, SUPPORTED_ALGS) ?? ALG.ed25519;
  const out = values.out ?? DEFAULT_KEY_FILE;
  const key = await generateKeyPair({ alg, ...(values.kid === undefined ? {} : { kid: values.kid }) });
  await writePrivateKey(out, key.privateKeyPem, values.force === true);
  ctx.stdout.write(`${JSON.stringify(key.jwks, null, 2)}\n`);
  ctx.stderr.write(
    `wrote the ${alg} private key to ${out} (mode 0600, kid ${key.kid}); public JWKS on stdout\n`,
  );
  return EXIT.ok;
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'write a new private key (PEM, 0600) and print its public JWKS',
  help,
  run,
};
