/**
 * Every README quick start is checked, so documentation cannot drift from the API:
 * - the ones that run offline are executed (and must log what they promise);
 * - every one is typechecked with the TypeScript compiler, in its package's folder so that its imports
 *   resolve as they would for a user. Placeholders a quick start leaves to the reader (`signer`, `model`,
 *   ...) are declared with their real types in the preludes below.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GENERATED = '.quick-start.generated.ts';

interface QuickStart {
  readme: string;
  /** A `### heading` under "## Quick start per framework" (root README); default the "## Quick start" block. */
  section?: string;
  /** Folder whose node_modules resolve the snippet's imports (default: the README's folder). */
  resolveFrom?: string;
  /** Declarations for the placeholders the snippet leaves to the reader. */
  prelude?: string;
  /** Run it too (offline quick starts), expecting this in what it logs (when given). */
  run?: { expectLog?: RegExp };
}

const PLACEHOLDERS = `import type { Signer } from '@aauth-kit/core';
declare const signer: Signer;
declare const agentToken: string;`;

const QUICK_STARTS: QuickStart[] = [
  { readme: 'README.md', run: { expectLog: /aauth:assistant@agents\.example/ } },
  { readme: 'packages/core/README.md', run: {} },
  { readme: 'packages/dev-server/README.md', run: { expectLog: /documents/ } },
  { readme: 'packages/resource/README.md' },
  {
    readme: 'packages/langchain/README.md',
    prelude: `import type { Signer } from '@aauth-kit/core';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
declare const signer: Signer;
declare const agentToken: string;
declare const model: BaseChatModel;`,
  },
  { readme: 'packages/openai-agents/README.md' },
  {
    readme: 'packages/ai-sdk/README.md',
    prelude: `import type { Signer } from '@aauth-kit/core';
import type { LanguageModel } from 'ai';
declare const signer: Signer;
declare const agentToken: string;
declare const model: LanguageModel;
declare const api: string;
declare const prompt: string;`,
  },
  { readme: 'packages/mcp/README.md', prelude: PLACEHOLDERS },
  {
    readme: 'README.md',
    section: 'LangChain / LangGraph',
    resolveFrom: 'packages/langchain',
    prelude: `${PLACEHOLDERS}
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
declare const model: BaseChatModel;`,
  },
  {
    readme: 'README.md',
    section: 'OpenAI Agents SDK',
    resolveFrom: 'packages/openai-agents',
    prelude: PLACEHOLDERS,
  },
  {
    readme: 'README.md',
    section: 'Vercel AI SDK',
    resolveFrom: 'packages/ai-sdk',
    prelude: `${PLACEHOLDERS}
import type { LanguageModel } from 'ai';
declare const model: LanguageModel;`,
  },
  { readme: 'README.md', section: 'MCP', resolveFrom: 'packages/mcp', prelude: PLACEHOLDERS },
];

/** The first ```ts block under "## Quick start", or under `### <section>` of "## Quick start per framework". */
function quickStart(markdown: string, section?: string): string {
  const part =
    section === undefined
      ? markdown.split(/^## Quick start\s*$/m)[1]
      : markdown
          .split(/^## Quick start per framework\s*$/m)[1]
          ?.split(/^### /m)
          .find((s) => s.startsWith(`${section} `) || s.startsWith(`${section}\n`));
  const block = part?.match(/```ts\n([\s\S]*?)```/);
  if (!block?.[1]) throw new Error(`no \`\`\`ts block under "${section ?? 'Quick start'}"`);
  return block[1];
}

/** Imports first (a prelude's `declare`s must not precede the snippet's imports in an ES module). */
function assemble(code: string, prelude = ''): string {
  const lines = `${prelude}\n${code}`.split('\n');
  const isImport = (line: string) => /^import\s/.test(line);
  return `${[...lines.filter(isImport), ...lines.filter((l) => !isImport(l))].join('\n')}\nexport {};\n`;
}

function generatedPath(entry: QuickStart): string {
  const folder = entry.resolveFrom ?? dirname(entry.readme);
  const name = entry.section === undefined ? GENERATED : `.${entry.section.replace(/\W+/g, '-')}${GENERATED}`;
  return join(root, folder, name);
}

const written: string[] = [];
afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});

function write(entry: QuickStart): string {
  const code = quickStart(readFileSync(join(root, entry.readme), 'utf8'), entry.section);
  const target = generatedPath(entry);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, assemble(code, entry.prelude));
  written.push(target);
  return target;
}

describe('README quick starts', () => {
  it('all typecheck against the packages as published (strict TypeScript)', () => {
    const files = QUICK_STARTS.map(write);
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (config === undefined) throw new Error('tsconfig.json could not be read');
    const program = ts.createProgram(files, { ...config.options, noEmit: true, incremental: false });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.endsWith(GENERATED) === true)
      .map((d) => {
        const where = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${d.file!.fileName.slice(root.length + 1)}:${where.line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it.each(QUICK_STARTS.filter((q) => q.run !== undefined))(
    '$readme $section runs as written',
    async (entry) => {
      const target = write(entry);
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(pathToFileURL(target).href);
        const printed = log.mock.calls
          .map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
          .join('\n');
        if (entry.run?.expectLog) expect(printed).toMatch(entry.run.expectLog);
      } finally {
        log.mockRestore();
      }
    },
  );
});
