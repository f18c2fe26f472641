/** The shape every `aauth-kit` command module exports. */
import type { CommandContext } from '../io.js';

export interface Command {
  name: string;
  /** One line for `aauth-kit help`. */
  summary: string;
  /** The full help text: usage line, options, examples. */
  help: string;
  /** Runs the command; resolves with the exit code. Failures are thrown (mapped by main). */
  run(argv: string[], ctx: CommandContext): Promise<number>;
}
