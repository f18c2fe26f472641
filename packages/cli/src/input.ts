/** Input named on the command line: a file path, or `-` for standard input. */
import { readFile } from 'node:fs/promises';
import { SetupError } from './errors.js';
import { readAll } from './io.js';

export async function readInput(
  path: string,
  stdin: AsyncIterable<string | Uint8Array>,
): Promise<Uint8Array<ArrayBuffer>> {
  if (path === '-') return readAll(stdin);
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : 'unreadable';
    throw new SetupError(`cannot read ${path} (${why})`, 'check the path, or pass - to read standard input', {
      cause,
    });
  }
}
