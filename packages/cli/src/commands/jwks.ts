/** `aauth-kit jwks`: the public JWKS of a key file (private PKCS#8 or public SPKI PEM). */
import { parseArgs } from 'node:util';
import { toJwks } from '@aauth-kit/core';
import { parseOrUsage, positionals } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { findKey, publicJwkFrom } from '../key-file.js';
import type { Command } from './types.js';

const help = `Usage: aauth-kit jwks [--key agent.pem] [--kid <id>]

Prints the public JWKS of a key: what an Agent Provider publishes at its jwks_uri, or what you register.

Options:
  --key <file>    private (PKCS#8) or public (SPKI) PEM; default AAUTH_PRIVATE_KEY_FILE / AAUTH_PRIVATE_KEY
  --kid <id>      key id (default: the RFC 7638 thumbprint)`;

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('jwks', () =>
    parseArgs({
      args: argv,
      options: { key: { type: 'string', short: 'k' }, kid: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  positionals('jwks', rest, []);
  const source = await findKey(values.key, ctx.env);
  const jwk = publicJwkFrom(source, values.kid);
  ctx.stdout.write(`${JSON.stringify(toJwks(jwk), null, 2)}\n`);
  return EXIT.ok;
}

export const jwks: Command = {
  name: 'jwks',
  summary: "print a key's public JWKS",
  help,
  run,
};
