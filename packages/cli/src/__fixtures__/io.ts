/** Test IO for `run()`: captured stdout/stderr, a given stdin and environment, and a Ctrl-C controller. */
import type { CliIo } from '../io.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
  /** Everything written, stdout then stderr. */
  all(): string;
  interrupt(): void;
  signal: AbortSignal;
}

export function captureIo(
  options: { env?: Record<string, string>; stdin?: string; isTTY?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  const controller = new AbortController();
  const input = options.stdin;
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: {
      async *[Symbol.asyncIterator]() {
        if (input !== undefined) yield new TextEncoder().encode(input);
      },
    },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    signal: controller.signal,
    out: () => out,
    err: () => err,
    all: () => `${out}${err}`,
    interrupt: () => controller.abort(),
  };
}
