/**
 * The adapter stays thin: signing, AAuth challenges, token requests and consent polling belong to
 * @aauth-kit/core. This guard reads the package's sources and fails when one imports anything but
 * the public client API, or does protocol work itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') files.push(...sources(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files;
}

interface ImportStatement {
  file: string;
  specifier: string;
  names: string[];
}

function importsOf(file: string): ImportStatement[] {
  const text = readFileSync(file, 'utf8');
  const pattern =
    /(?:import|export)\s+(?:type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?|\w+)\s+from\s+'([^']+)'/g;
  return [...text.matchAll(pattern)].map((match) => ({
    file: relative(SRC, file),
    specifier: match[2] ?? '',
    names: (match[1] ?? '')
      .split(',')
      .map((name) =>
        (
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? ''
        ).trim(),
      )
      .filter((name) => name !== ''),
  }));
}

/** What the adapter may take from @aauth-kit/core: the agent client's public surface and its errors. */
const CORE_ALLOWED = new Set([
  'AAuthClient',
  'AAuthError',
  'AbortedError',
  'ConfigurationError',
  'ConsentDeniedError',
  'ConsentExpiredError',
  'ConsentRequiredError',
  'Interaction',
  'InteractionGoneError',
  'InvalidArgumentError',
  'PendingConsent',
  'TimeoutError',
]);

/** Protocol work that must stay in core (names and wire strings). */
const FORBIDDEN_TEXT = [
  /signMessage|signRequest|createSignatureBase|verifyRequest/,
  /parseRequirement|parseAAuthRequirement|serializeCapabilities/,
  /['"`](?:aauth-requirement|signature-key|signature-input|signature|content-digest|prefer)['"`]/i,
  /structured-headers|jose|@noble/,
  /\/pending\//,
];

const files = sources(SRC);

describe('package boundaries', () => {
  it('finds the sources it guards', () => {
    expect(files.map((file) => relative(SRC, file))).toEqual(
      expect.arrayContaining(['index.ts', 'tool.ts', 'wrap.ts', 'runtime.ts', 'scope.ts', 'mcp.ts']),
    );
  });

  it('imports only the public core client API, the Agents SDK root, node:async_hooks and its own modules', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const statement of importsOf(file)) {
        const { specifier } = statement;
        if (specifier.startsWith('./')) continue;
        if (specifier === '@openai/agents' || specifier === 'node:async_hooks') continue;
        if (specifier === '@aauth-kit/core') {
          for (const name of statement.names)
            if (!CORE_ALLOWED.has(name)) offending.push(`${statement.file}: ${name}`);
          continue;
        }
        offending.push(`${statement.file}: ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('does no signing, challenge parsing or polling of its own', () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of FORBIDDEN_TEXT)
        if (pattern.test(text)) offending.push(`${relative(SRC, file)}: ${pattern}`);
    }
    expect(offending).toEqual([]);
  });
});
