/**
 * Shared machinery for the adapter packages' `boundaries.test.ts` guards: list a package's non-test
 * sources and read the import/export statements in them. Each guard keeps its own rules (allowed
 * modules, allowed core names, forbidden patterns); only the reading lives here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A non-test source file: its path relative to the guarded `src/` (with `/`) and its text. */
export interface SourceFile {
  name: string;
  text: string;
}

/** One statement that pulls in another module, with the names it takes from a `{ ... }` clause. */
export interface ImportStatement {
  file: string;
  specifier: string;
  names: string[];
}

/**
 * Every `.ts` source under `srcDir` (recursively), leaving out tests and `__fixtures__` folders, which
 * may reach anywhere because they are not shipped.
 */
export function sourceFiles(srcDir: string | URL): SourceFile[] {
  const root = typeof srcDir === 'string' ? srcDir : fileURLToPath(srcDir);
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        files.push({ name: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/** `import`/`export ... from` with an optional default, a `{ ... }`, `* as x` or default clause. */
const STATIC_IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{([^}]*)\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*['"]([^'"]+)['"]/g;
/** Any other `from '...'` statement and dynamic `import('...')`, so no specifier slips past the guard. */
const ANY_IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/g;

/** The modules a source imports or re-exports from, each with the names its `{ ... }` clause takes. */
export function importsOf(source: SourceFile): ImportStatement[] {
  const found: ImportStatement[] = [];
  for (const match of source.text.matchAll(STATIC_IMPORT)) {
    found.push({ file: source.name, specifier: match[2]!, names: namesIn(match[1] ?? '') });
  }
  for (const match of source.text.matchAll(ANY_IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (!found.some((statement) => statement.specifier === specifier)) {
      found.push({ file: source.name, specifier, names: [] });
    }
  }
  return found;
}

/** The imported (not local) names of a `{ a, type B, c as d }` clause. */
function namesIn(clause: string): string[] {
  return clause
    .split(',')
    .map((part) =>
      part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim(),
    )
    .filter((name) => name !== '');
}

/** The text without block and line comments (keeping `://` in URLs), so prose cannot trip a guard. */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
