/**
 * `aauth-kit agent-token`: an agent token (`aa-agent+jwt`) for a key, either from a dev-server Agent
 * Provider (registering the key with --register) or minted with a self-hosted Agent Provider key (--self).
 */
import { parseArgs } from 'node:util';
import { decodeCompactJws, mintAgentToken } from '@aauth-kit/core';
import { requestAgentToken } from '../agent-provider.js';
import { parseOrUsage, positionals, required, seconds } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { findKey, publicJwkFrom, signerFrom } from '../key-file.js';
import type { Command } from './types.js';

const help = `Usage:
  aauth-kit agent-token --key agent.pem --agent-provider <url> [--register] [--local <name>] [--name <text>]
  aauth-kit agent-token --key agent.pem --self --iss <id> --sub aauth:<local>@<domain> --ps <ps id>
                        [--issuer-key ap.pem] [--kid <id>] [--lifetime <seconds>] [--development]

Prints an agent token (aa-agent+jwt) bound to the key (cnf.jwk).

From a dev-server Agent Provider (aauth-kit dev):
  --agent-provider <url>  the Agent Provider, e.g. http://localhost:8752
  --register              register the public key first (dev only, unauthenticated; once per key)
  --local <name>          local part of the agent identifier asked for at registration
  --name <text>           display name given at registration

Minted by a self-hosted Agent Provider:
  --self                  mint the token here
  --iss <id>              the Agent Provider's server identifier (publishes the issuer key's JWKS)
  --sub <agent id>        the agent identifier, aauth:<local>@<domain of --iss>
  --ps <ps id>            the agent's Person Server identifier
  --issuer-key <file>     the Agent Provider's private key (default: --key, the agent's own key)
  --kid <id>              kid of the issuer key in its JWKS (default: its RFC 7638 thumbprint)
  --lifetime <seconds>    token lifetime (default 3600, at most 86400)
  --development           allow http://localhost identifiers (never in production)

Common:
  --key <file>            the agent key; default AAUTH_PRIVATE_KEY_FILE / AAUTH_PRIVATE_KEY
  --json                  print {agent_id, agent_token, expires_in, header, claims}`;

interface Issued {
  agentId: string;
  agentToken: string;
  expiresIn: number;
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('agent-token', () =>
    parseArgs({
      args: argv,
      options: {
        key: { type: 'string', short: 'k' },
        'agent-provider': { type: 'string' },
        register: { type: 'boolean' },
        local: { type: 'string' },
        name: { type: 'string' },
        self: { type: 'boolean' },
        iss: { type: 'string' },
        sub: { type: 'string' },
        ps: { type: 'string' },
        'issuer-key': { type: 'string' },
        kid: { type: 'string' },
        lifetime: { type: 'string' },
        development: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  positionals('agent-token', rest, []);
  const provider = values['agent-provider'];
  if ((provider === undefined) === (values.self !== true)) {
    throw new UsageError(
      provider === undefined
        ? 'say where the agent token comes from'
        : '--agent-provider and --self exclude each other',
      'pass --agent-provider <url> (a dev server: `aauth-kit dev`) or --self --iss <id> --sub <agent id> --ps <ps id>',
    );
  }
  const source = await findKey(values.key, ctx.env);
  let result: Issued;
  if (provider !== undefined) {
    for (const selfOnly of ['iss', 'sub', 'ps', 'issuer-key', 'kid', 'lifetime'] as const) {
      if (values[selfOnly] !== undefined) {
        throw new UsageError(
          `--${selfOnly} is for --self`,
          'the dev Agent Provider decides the token claims',
        );
      }
    }
    result = await requestAgentToken({
      agentProvider: provider,
      signer: signerFrom(source),
      register: values.register === true,
      ...(values.local === undefined ? {} : { local: values.local }),
      ...(values.name === undefined ? {} : { name: values.name }),
      signal: ctx.signal,
    });
  } else {
    const iss = required('agent-token', 'iss', values.iss);
    const sub = required('agent-token', 'sub', values.sub);
    const ps = required('agent-token', 'ps', values.ps);
    const lifetime = seconds('agent-token', 'lifetime', values.lifetime, { integer: true });
    const agentJwk = publicJwkFrom(source);
    const issuerSource =
      values['issuer-key'] === undefined ? source : await findKey(values['issuer-key'], {});
    const issuer = signerFrom(issuerSource, values.kid);
    const agentToken = await mintAgentToken(
      { iss, sub, ps, cnf: { jwk: agentJwk } },
      {
        signer: issuer,
        kid: issuer.publicJwk.kid!,
        ...(lifetime === undefined ? {} : { lifetimeSeconds: lifetime }),
        allowLocalhostHttp: values.development === true,
      },
    );
    const claims = decodeCompactJws(agentToken).payload;
    result = { agentId: sub, agentToken, expiresIn: (claims.exp as number) - (claims.iat as number) };
  }
  if (values.json === true) {
    const decoded = decodeCompactJws(result.agentToken);
    const json = {
      agent_id: result.agentId,
      agent_token: result.agentToken,
      expires_in: result.expiresIn,
      header: decoded.header,
      claims: decoded.payload,
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    ctx.stdout.write(`${result.agentToken}\n`);
    ctx.stderr.write(`agent ${result.agentId}, token valid ${result.expiresIn}s\n`);
  }
  return EXIT.ok;
}

export const agentToken: Command = {
  name: 'agent-token',
  summary: 'fetch (dev Agent Provider) or mint (self-hosted) an agent token for a key',
  help,
  run,
};
