/**
 * Guards the rule that this adapter re-implements no protocol logic: its sources may import only the
 * agent client's public API (and error classes) from @aauth-kit/core, never signing, header codecs,
 * token or discovery internals, and never spell wire details themselves.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, withoutComments } from '../../../test/support/source-boundaries.js';

const sources = sourceFiles(new URL('.', import.meta.url));

/** Names of @aauth-kit/core this package may use: the client API and its errors. */
const ALLOWED_CORE_NAMES = new Set([
  'AAuthClient',
  'AAuthError',
  'ConfigurationError',
  'InvalidArgumentError',
  'ConsentRequiredError',
  'ConsentDeniedError',
  'ConsentExpiredError',
  'InteractionGoneError',
  'Interaction',
  'PendingConsent',
]);

const ALLOWED_MODULES = [
  /^@aauth-kit\/core$/,
  /^@langchain\/core\/(messages|tools)$/,
  /^@langchain\/langgraph$/,
  /^langchain$/,
  /^node:async_hooks$/,
  /^\.\/[a-z-]+\.js$/,
];

describe('no protocol logic in @aauth-kit/langchain', () => {
  it('has sources to check', () => {
    expect(sources.map((s) => s.name)).toEqual(
      expect.arrayContaining(['consent-loop.ts', 'middleware.ts', 'scope.ts', 'with-aauth.ts']),
    );
  });

  it('imports only allowed modules, and from core only the client API and its errors', () => {
    for (const source of sources) {
      for (const { names, specifier: from } of importsOf(source)) {
        expect(
          ALLOWED_MODULES.some((allowed) => allowed.test(from)),
          `${source.name} imports ${from}`,
        ).toBe(true);
        if (from !== '@aauth-kit/core') continue;
        for (const name of names) {
          expect(ALLOWED_CORE_NAMES.has(name), `${source.name} imports ${name} from core`).toBe(true);
        }
      }
    }
  });

  it('never signs, parses challenges or polls by itself', () => {
    const forbidden = [
      /signMessage|signRequest|createRequestVerifier|parseRequirement|serializeCapabilities/,
      /aauth-requirement|signature-input|signature-key|content-digest|www-authenticate/i,
      /\/pending\/|Retry-After|Prefer:\s*wait/i,
      /setTimeout|setInterval/,
    ];
    for (const source of sources) {
      const code = withoutComments(source.text);
      for (const pattern of forbidden) {
        expect(pattern.test(code), `${source.name} matches ${pattern}`).toBe(false);
      }
    }
  });
});
