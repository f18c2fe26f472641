/**
 * The adapter stays thin: signing, challenges and polling live in @aauth-kit/core's agent client. This
 * test reads the package's sources and fails if one reaches past the client's public API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** What the adapter may take from core: the client, its errors, and the error base classes. */
const ALLOWED_CORE_NAMES = new Set([
  'AAuthClient',
  'AAuthError',
  'AAuthErrorOptions',
  'ConfigurationError',
  'ConsentDeniedError',
  'ConsentExpiredError',
  'ConsentRequiredError',
  'InteractionGoneError',
  'TimeoutError',
]);
const ALLOWED_MODULES = new Set(['@aauth-kit/core', 'node:async_hooks']);
/** Protocol work that must never be redone here (case-insensitive, comments removed first). */
const FORBIDDEN_TEXT = [
  'signature-key',
  'signature-input',
  'aauth-requirement',
  'content-digest',
  'signmessage',
  'parserequirement',
  'pollconsentonce',
  'prefer',
  'location',
  'structured-headers',
  'jose',
];

function sources(): { file: string; text: string }[] {
  return readdirSync(SRC)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }));
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

function imports(text: string): { names: string[]; from: string }[] {
  const found: { names: string[]; from: string }[] = [];
  for (const match of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    const names = match[1]!
      .split(',')
      .map((name) => name.trim().replace(/^type\s+/, ''))
      .filter((name) => name !== '');
    found.push({ names, from: match[2]! });
  }
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\s*\(\s*'([^']+)'/g)) {
    const from = match[1] ?? match[2]!;
    if (!found.some((entry) => entry.from === from)) found.push({ names: [], from });
  }
  return found;
}

describe('package boundaries', () => {
  it('has sources to check', () => {
    expect(sources().map((source) => source.file)).toEqual(
      expect.arrayContaining(['call.ts', 'fetch.ts', 'tool.ts', 'wrap.ts']),
    );
  });

  it('imports only relative modules, the core package root and node:async_hooks (never `ai` at runtime)', () => {
    for (const { file, text } of sources()) {
      for (const { from } of imports(text)) {
        if (from.startsWith('./')) continue;
        expect({ file, from, allowed: ALLOWED_MODULES.has(from) }).toEqual({ file, from, allowed: true });
      }
    }
  });

  it('takes only the agent client and its errors from core', () => {
    for (const { file, text } of sources()) {
      for (const { names, from } of imports(text)) {
        if (from !== '@aauth-kit/core') continue;
        for (const name of names) {
          expect({ file, name, allowed: ALLOWED_CORE_NAMES.has(name) }).toEqual({
            file,
            name,
            allowed: true,
          });
        }
      }
    }
  });

  it('does no protocol work of its own (no headers, signatures or polling)', () => {
    for (const { file, text } of sources()) {
      const code = withoutComments(text).toLowerCase();
      for (const word of FORBIDDEN_TEXT) {
        expect({ file, word, present: code.includes(word) }).toEqual({ file, word, present: false });
      }
    }
  });
});
