import { describe, expect, it } from 'vitest';
import { main } from '../../examples/sign-and-verify/index.js';

describe('examples/sign-and-verify', () => {
  it('verifies the signed request and rejects the tampered one with invalid_signature', async () => {
    const lines: string[] = [];
    const result = await main((line) => lines.push(line));
    expect(result).toEqual({ agent: 'aauth:assistant@agents.example', tamperedCode: 'invalid_signature' });
    expect(
      lines.some((l) => l.startsWith('Signature-Input: sig=("@method" "@authority" "@path" "@query"')),
    ).toBe(true);
  });
});
