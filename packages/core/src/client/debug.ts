/**
 * Debug logging that never prints a token or key in full: JWTs, session tokens and anything
 * token-shaped are cut to a short prefix plus their length.
 */

export type DebugSink = (line: string) => void;

/** `eyJhbGciOi…(812 chars)`: enough to tell tokens apart in a log, useless to an attacker. */
export function redact(value: string | undefined): string {
  if (value === undefined) return '(none)';
  if (value.length <= 12) return `…(${value.length} chars)`;
  return `${value.slice(0, 10)}…(${value.length} chars)`;
}

/** A JWT or a long token68 run anywhere in a line. */
const TOKENISH = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+|[A-Za-z0-9+/_=-]{40,}/g;

/** Redacts every token-shaped run of a line (defence in depth for messages built from server data). */
export function scrub(line: string): string {
  return line.replace(TOKENISH, (match) => redact(match));
}

export function createDebugSink(option: boolean | DebugSink | undefined): DebugSink | undefined {
  if (option === undefined || option === false) return undefined;
  const write: DebugSink =
    option === true ? (line) => process.stderr.write(`${line}\n`) : (option as DebugSink);
  return (line) => {
    try {
      write(`aauth: ${scrub(line)}`);
    } catch {
      // A failing logger must never fail a request.
    }
  };
}
