/** @aauth-kit/cli: the `aauth-kit` command line, callable in-process (`run`) for tests and embedding. */

export { EXIT, type ExitCode } from './exit-codes.js';
export type { CliIo, TextSink } from './io.js';
export { run } from './main.js';
