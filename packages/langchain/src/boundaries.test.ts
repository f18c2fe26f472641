/**
 * Guards the rule that this adapter re-implements no protocol logic: its sources may import only the
 * agent client's public API (and error classes) from @aauth-kit/core, never signing, header codecs,
 * token or discovery internals, and never spell wire details themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

const sources = readdirSync(SRC)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => ({ name, text: readFileSync(join(SRC, name), 'utf8') }));

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

function imports(text: string): { names: string[]; from: string }[] {
  const found: { names: string[]; from: string }[] = [];
  const pattern = /(?:import|export)\s+(?:type\s+)?(?:\{([^}]*)\}|[\w*\s]+)\s+from\s+'([^']+)'/g;
  for (const match of text.matchAll(pattern)) {
    const names = (match[1] ?? '')
      .split(',')
      .map((part) =>
        part
          .replace(/^\s*type\s+/, '')
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      .filter(Boolean);
    found.push({ names, from: match[2]! });
  }
  return found;
}

describe('no protocol logic in @aauth-kit/langchain', () => {
  it('has sources to check', () => {
    expect(sources.map((s) => s.name)).toEqual(
      expect.arrayContaining(['consent-loop.ts', 'middleware.ts', 'scope.ts', 'with-aauth.ts']),
    );
  });

  it('imports only allowed modules, and from core only the client API and its errors', () => {
    for (const source of sources) {
      for (const { names, from } of imports(source.text)) {
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
      const code = source.text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const pattern of forbidden) {
        expect(pattern.test(code), `${source.name} matches ${pattern}`).toBe(false);
      }
    }
  });
});
