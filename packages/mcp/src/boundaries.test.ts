/**
 * The adapter stays thin: signing, AAuth challenges, token requests and consent polling belong to
 * @aauth-kit/core (and verification to @aauth-kit/resource). This guard reads the package's sources
 * and fails when one reaches past the public client/resource APIs.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, withoutComments } from '../../../test/support/source-boundaries.js';

/** The core API the adapter may use: the agent client's public surface, errors and a problem builder. */
const CORE_ALLOWED = new Set([
  'AAuthClient',
  'AAuthError',
  'AAuthErrorOptions',
  'ConfigurationError',
  'ConsentRequiredError',
  'InvalidArgumentError',
  'Interaction',
  'createProblem',
]);
const WORKSPACE_ALLOWED = new Set([
  '@aauth-kit/core',
  '@aauth-kit/resource',
  '@aauth-kit/resource/node',
  '@aauth-kit/resource/express',
]);

describe('package boundaries', () => {
  const files = sourceFiles(new URL('.', import.meta.url));
  const all = files.flatMap(importsOf);

  it('finds the sources it guards', () => {
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'client/with-aauth.ts',
        'server/verify.ts',
        'server/express.ts',
        'elicitation.ts',
      ]),
    );
  });

  it('imports @aauth-kit packages only through their public entry points', () => {
    const workspace = all.filter(
      (i) => i.specifier.startsWith('@aauth-kit/') || /\.\.\/\.\.\//.test(i.specifier),
    );
    expect(workspace.filter((i) => !WORKSPACE_ALLOWED.has(i.specifier))).toEqual([]);
  });

  it('uses only the agent client API from the core (no signing, header codecs or token internals)', () => {
    const fromCore = all.filter((i) => i.specifier === '@aauth-kit/core').flatMap((i) => i.names);
    expect(fromCore.filter((name) => !CORE_ALLOWED.has(name))).toEqual([]);
  });

  it('never builds or reads AAuth protocol headers, and runs no polling timers of its own', () => {
    const offending: string[] = [];
    for (const file of files) {
      const code = withoutComments(file.text);
      const checks: [RegExp, string][] = [
        [
          /['"`](aauth-requirement|signature-input|signature-key|signature|signature-error|content-digest|aauth-access)['"`]/i,
          'protocol header',
        ],
        [
          /\b(signMessage|verifyMessageSignature|parseRequirement|serializeRequirement|parseSignatureKey)\b/,
          'protocol function',
        ],
        [/\b(setTimeout|setInterval)\s*\(/, 'timer'],
        [/\bpollConsentOnce\b/, 'hand-rolled polling'],
      ];
      for (const [pattern, what] of checks) if (pattern.test(code)) offending.push(`${file.name}: ${what}`);
    }
    expect(offending).toEqual([]);
  });
});
