/**
 * The CLI's view of the outside world, injectable so every command runs in tests without a process:
 * output streams, standard input, the environment, whether a person is watching, and the Ctrl-C signal.
 */

/** Anything text can be written to (process.stdout, a test buffer). */
export interface TextSink {
  write(chunk: string): unknown;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Standard input (`-d @-`, `verify --request -`). Default: process.stdin. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** Environment (`AAUTH_*`). Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A person is watching the terminal: live indicator, QR code. Default: process.stderr.isTTY. */
  isTTY?: boolean;
  /** Aborting it is Ctrl-C. Default: SIGINT / SIGTERM of this process while the command runs. */
  signal?: AbortSignal;
}

/** What a command receives: every member resolved. */
export interface CommandContext {
  stdout: TextSink;
  stderr: TextSink;
  stdin: AsyncIterable<string | Uint8Array>;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
  signal: AbortSignal;
}

/** Reads a whole stream (stdin) as bytes. */
export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
