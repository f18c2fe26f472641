/**
 * Command-line parsing on node:util `parseArgs` (strict): its failures and every malformed value become
 * a UsageError (exit 2) naming the option and pointing at the command's help.
 */
import { UsageError } from './errors.js';

function helpHint(command: string): string {
  return `run \`aauth-kit help ${command}\` for the options`;
}

/** The first sentence of a parseArgs message, without its long advice about `--`. */
function shortMessage(error: Error): string {
  const sentence = error.message.split(/\.\s/)[0] ?? error.message;
  return sentence.replace(/\.$/, '');
}

/** Runs a `parseArgs` call; a parse failure is a UsageError for `command`. */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TypeError && typeof (error as { code?: unknown }).code === 'string') {
      throw new UsageError(shortMessage(error), helpHint(command), { cause: error });
    }
    throw error;
  }
}

/** A required option: a UsageError when absent. */
export function required<T>(command: string, name: string, value: T | undefined): T {
  if (value === undefined || value === '') {
    throw new UsageError(`missing --${name}`, helpHint(command));
  }
  return value;
}

/** A number of seconds (> 0, fractions allowed unless `integer`). */
export function seconds(
  command: string,
  name: string,
  value: string | undefined,
  options: { integer?: boolean; allowZero?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const valid =
    value.trim() !== '' &&
    Number.isFinite(parsed) &&
    (options.allowZero ? parsed >= 0 : parsed > 0) &&
    (!options.integer || Number.isInteger(parsed));
  if (!valid) {
    const kind = options.integer ? 'an integer' : 'a number';
    throw new UsageError(
      `--${name} must be ${kind} of seconds, got ${JSON.stringify(value)}`,
      helpHint(command),
    );
  }
  return parsed;
}

/** A port number 0..65535. */
export function port(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new UsageError(
      `--port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`,
      helpHint(command),
    );
  }
  return parsed;
}

/** One of a fixed set of values. */
export function oneOf<const T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
      helpHint(command),
    );
  }
  return value as T;
}

/** A comma-separated list whose members are each one of `allowed`. */
export function listOf<const T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const members = value
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
  if (members.length === 0) throw new UsageError(`--${name} is empty`, helpHint(command));
  return members.map((member) => oneOf(command, name, member, allowed) as T);
}

/** Exactly `count` positional arguments, named for the message. */
export function positionals(command: string, given: readonly string[], names: readonly string[]): string[] {
  if (given.length < names.length) {
    throw new UsageError(`missing <${names[given.length]}>`, helpHint(command));
  }
  if (given.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(given[names.length])}`, helpHint(command));
  }
  return [...given];
}
