/**
 * The adapter stays thin: signing, AAuth challenges, token requests and consent polling belong to
 * @aauth-kit/core. This guard reads the package's sources and fails when one imports anything but
 * the public client API, or does protocol work itself.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles } from '../../../test/support/source-boundaries.js';

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

const files = sourceFiles(new URL('.', import.meta.url));

describe('package boundaries', () => {
  it('finds the sources it guards', () => {
    expect(files.map((file) => file.name)).toEqual(
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
      for (const pattern of FORBIDDEN_TEXT)
        if (pattern.test(file.text)) offending.push(`${file.name}: ${pattern}`);
    }
    expect(offending).toEqual([]);
  });
});
