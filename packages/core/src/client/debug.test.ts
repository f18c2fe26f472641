import { describe, expect, it } from 'vitest';
import { createDebugSink, redact, scrub } from './debug.js';

const jwt =
  'eyJhbGciOiJFZDI1NTE5IiwidHlwIjoiYWEtYWdlbnQrand0In0.eyJpc3MiOiJodHRwczovL2FwLmV4YW1wbGUiLCJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';

describe('debug output', () => {
  it('cuts tokens to a short prefix and their length', () => {
    expect(redact(jwt)).toBe(`${jwt.slice(0, 10)}…(${jwt.length} chars)`);
    expect(redact('short')).toBe('…(5 chars)');
  });

  it('scrubs every JWT or long token out of a line', () => {
    const line = scrub(`sig=jwt;jwt="${jwt}" authorization: AAuth ${'A'.repeat(60)}`);
    expect(line).not.toContain(jwt);
    expect(line).not.toContain('A'.repeat(60));
    expect(line).toContain('sig=jwt;jwt=');
  });

  it('prefixes lines and never lets a failing logger throw', () => {
    const lines: string[] = [];
    createDebugSink((line) => lines.push(line))?.(`token ${jwt}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aauth: token eyJhbGciOi…\(\d+ chars\)$/);
    const failing = createDebugSink(() => {
      throw new Error('disk full');
    });
    expect(() => failing?.('x')).not.toThrow();
    expect(createDebugSink(false)).toBeUndefined();
  });
});
