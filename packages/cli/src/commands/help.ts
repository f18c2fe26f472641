/** `aauth-kit help [command]`: the command list with exit codes, or one command's full help. */
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import type { Command } from './types.js';

const EXIT_CODES = `Exit codes:
  0    ok
  1    verification failed, or the request was refused (HTTP >= 400 in fetch)
  2    usage error (unknown command or option, bad value)
  3    configuration error (key, agent token, environment, file, port)
  4    consent denied, expired or gone
  5    network error or timeout
  130  interrupted (Ctrl-C)`;

const ENVIRONMENT = `Environment (defaults for --key / --agent-token / --development):
  AAUTH_PRIVATE_KEY_FILE  agent private key PEM file     AAUTH_PRIVATE_KEY   the PEM itself
  AAUTH_AGENT_TOKEN       agent token                    AAUTH_PERSON_SERVER Person Server identifier
  AAUTH_DEVELOPMENT       1 allows http://localhost servers (never in production)`;

/** The overview: every command with its summary. */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  const list = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n');
  return `aauth-kit: agent identity and signed requests with AAuth (draft-hardt-oauth-aauth-protocol-11)

Usage: aauth-kit <command> [options]     aauth-kit help <command>     aauth-kit --version

Commands:
${list}

Quick start:
  aauth-kit keygen --out agent.pem
  aauth-kit dev                                   # in another terminal
  aauth-kit agent-token --key agent.pem --agent-provider http://localhost:8752 --register
  aauth-kit fetch --development --key agent.pem --agent-provider http://localhost:8752 \\
    -X POST http://localhost:8750/documents/1/summary

${ENVIRONMENT}

${EXIT_CODES}
`;
}

export function createHelpCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'show this overview, or a command’s options',
    help: 'Usage: aauth-kit help [command]',
    async run(argv: string[], ctx: CommandContext): Promise<number> {
      const [name, ...extra] = argv;
      if (extra.length > 0) throw new UsageError('help takes at most one command name');
      if (name === undefined) {
        ctx.stdout.write(overview(commands()));
        return EXIT.ok;
      }
      const command = commands().find((candidate) => candidate.name === name);
      if (command === undefined) {
        throw new UsageError(`unknown command ${JSON.stringify(name)}`, 'run `aauth-kit help` for the list');
      }
      ctx.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    },
  };
}
