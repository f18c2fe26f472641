/**
 * The `aauth-kit` entry: resolves the IO (injectable for tests), dispatches to a command, turns every
 * failure into a two-line message on stderr and a documented exit code, and makes Ctrl-C an abort signal.
 */
import { agentToken } from './commands/agent-token.js';
import { dev } from './commands/dev.js';
import { fetchCommand } from './commands/fetch.js';
import { createHelpCommand, overview } from './commands/help.js';
import { jwks } from './commands/jwks.js';
import { keygen } from './commands/keygen.js';
import type { Command } from './commands/types.js';
import { verify } from './commands/verify.js';
import { exitCodeFor, formatError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo, CommandContext } from './io.js';
import { cliVersion } from './version.js';

const help = createHelpCommand(() => COMMANDS);
const COMMANDS: readonly Command[] = [keygen, jwks, agentToken, fetchCommand, verify, dev, help];

const EMPTY_INPUT: AsyncIterable<Uint8Array> = {
  async *[Symbol.asyncIterator]() {
    // nothing to read
  },
};

/** Ctrl-C and SIGTERM abort the running command; a second one ends the process at once. */
function processSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function contextFor(io: CliIo | undefined, signal: AbortSignal): CommandContext {
  if (io === undefined) {
    return {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      env: process.env,
      isTTY: process.stderr.isTTY === true,
      signal,
    };
  }
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin ?? EMPTY_INPUT,
    env: io.env ?? process.env,
    isTTY: io.isTTY === true,
    signal,
  };
}

function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** The command named by `argv`, or what to do instead (overview, version). */
function resolve(argv: readonly string[]): Command | 'overview' | 'version' {
  const [name] = argv;
  if (name === undefined) return 'overview';
  if (name === '--help' || name === '-h') return help;
  if (name === '--version' || name === '-v') return 'version';
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    throw new UsageError(
      `unknown command ${JSON.stringify(name)}`,
      'run `aauth-kit help` for the list of commands',
    );
  }
  return command;
}

/**
 * Runs `aauth-kit` with `argv` (without the node and script paths); resolves with the exit code.
 * `io` replaces the process streams, environment, TTY detection and Ctrl-C (tests, embedding).
 */
export async function run(argv: readonly string[], io?: CliIo): Promise<number> {
  const interrupt = io?.signal === undefined ? processSignal() : undefined;
  const ctx = contextFor(io, io?.signal ?? interrupt!.signal);
  let command: Command | undefined;
  try {
    const resolved = resolve(argv);
    if (resolved === 'overview') {
      ctx.stderr.write(overview(COMMANDS));
      return EXIT.usage;
    }
    if (resolved === 'version') {
      ctx.stdout.write(`${cliVersion()}\n`);
      return EXIT.ok;
    }
    command = resolved;
    const rest = argv.slice(1);
    if (command !== help && wantsHelp(rest)) {
      ctx.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    const code = exitCodeFor(error);
    const name = command?.name;
    ctx.stderr.write(
      code === EXIT.aborted ? `aauth-kit${name ? ` ${name}` : ''}: interrupted\n` : formatError(name, error),
    );
    return code;
  } finally {
    interrupt?.dispose();
  }
}
