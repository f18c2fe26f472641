/**
 * Every README quick start is executed, so documentation cannot drift from the API. The first
 * ```ts block under a "## Quick start" heading is written next to this file and imported.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const generated = join(dirname(fileURLToPath(import.meta.url)), '.generated');

/** README files whose quick start runs offline, with a line the run must log (when it logs). */
const READMES: { file: string; expectLog?: RegExp }[] = [
  { file: 'README.md', expectLog: /aauth:assistant@agents\.example/ },
  { file: 'packages/core/README.md' },
];

function quickStart(markdown: string): string {
  const section = markdown.split(/^## Quick start\s*$/m)[1];
  const block = section?.match(/```ts\n([\s\S]*?)```/);
  if (!block?.[1]) throw new Error('no ```ts block under "## Quick start"');
  return block[1];
}

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe('README quick starts', () => {
  it.each(READMES)('$file runs as written', async ({ file, expectLog }) => {
    const code = quickStart(readFileSync(join(root, file), 'utf8'));
    mkdirSync(generated, { recursive: true });
    const target = join(generated, `${relative(root, file).replace(/[^a-z0-9]+/gi, '-')}.ts`);
    writeFileSync(target, `${code}\nexport {};\n`);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(target).href);
      const printed = log.mock.calls.map((args) => args.join(' ')).join('\n');
      if (expectLog) expect(printed).toMatch(expectLog);
    } finally {
      log.mockRestore();
    }
  });
});
