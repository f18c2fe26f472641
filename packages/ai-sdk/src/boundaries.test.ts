/**
 * The adapter stays thin: signing, challenges and polling live in @aauth-kit/core's agent client. This
 * test reads the package's sources and fails if one reaches past the client's public API.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, withoutComments } from '../../../test/support/source-boundaries.js';

const sources = sourceFiles(new URL('.', import.meta.url));

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

describe('package boundaries', () => {
  it('has sources to check', () => {
    expect(sources.map((source) => source.name)).toEqual(
      expect.arrayContaining(['call.ts', 'fetch.ts', 'tool.ts', 'wrap.ts']),
    );
  });

  it('imports only relative modules, the core package root and node:async_hooks (never `ai` at runtime)', () => {
    for (const source of sources) {
      for (const { file, specifier: from } of importsOf(source)) {
        if (from.startsWith('./')) continue;
        expect({ file, from, allowed: ALLOWED_MODULES.has(from) }).toEqual({ file, from, allowed: true });
      }
    }
  });

  it('takes only the agent client and its errors from core', () => {
    for (const source of sources) {
      for (const { file, names, specifier: from } of importsOf(source)) {
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
    for (const { name: file, text } of sources) {
      const code = withoutComments(text).toLowerCase();
      for (const word of FORBIDDEN_TEXT) {
        expect({ file, word, present: code.includes(word) }).toEqual({ file, word, present: false });
      }
    }
  });
});
