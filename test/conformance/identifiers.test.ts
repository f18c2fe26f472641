/**
 * Identifier rules against aauth-go's agent-identifier.json and server-identifier.json. Every case runs.
 * Mapping for agent identifiers: aauth-go's `name` is the parent's local part for a sub-agent and the
 * whole local part otherwise (our `parent ?? local`); its `discriminator` is ours.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidIdentifierError } from '../../packages/core/src/errors.js';
import {
  isAgentIdentifier,
  isServerIdentifier,
  parseAgentIdentifier,
  validateServerIdentifier,
} from '../../packages/core/src/identifiers.js';

function vectors<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8')) as T;
}

interface AgentIdentifierVectors {
  cases: { input: string; valid: boolean; name?: string; discriminator?: string; domain?: string }[];
}
interface ServerIdentifierVectors {
  cases: { input: string; valid: boolean }[];
}

const agentCases = vectors<AgentIdentifierVectors>('aauth-go/agent-identifier.json').cases;
const serverCases = vectors<ServerIdentifierVectors>('aauth-go/server-identifier.json').cases;

describe('aauth-go agent-identifier.json', () => {
  for (const vector of agentCases) {
    const label =
      vector.input.length > 60
        ? `${vector.input.slice(0, 40)}... (${vector.input.length} chars)`
        : vector.input;
    it(`${label} is ${vector.valid ? 'valid' : 'invalid'}`, () => {
      expect(isAgentIdentifier(vector.input)).toBe(vector.valid);
      if (!vector.valid) {
        expect(() => parseAgentIdentifier(vector.input)).toThrow(InvalidIdentifierError);
        return;
      }
      const parsed = parseAgentIdentifier(vector.input);
      expect(parsed.parent ?? parsed.local).toBe(vector.name);
      expect(parsed.discriminator).toBe(vector.discriminator);
      expect(parsed.domain).toBe(vector.domain);
    });
  }
});

describe('aauth-go server-identifier.json', () => {
  for (const vector of serverCases) {
    it(`${JSON.stringify(vector.input)} is ${vector.valid ? 'valid' : 'invalid'}`, () => {
      expect(isServerIdentifier(vector.input)).toBe(vector.valid);
      if (vector.valid) expect(validateServerIdentifier(vector.input)).toBe(vector.input);
      else expect(() => validateServerIdentifier(vector.input)).toThrow(InvalidIdentifierError);
    });
  }

  it('keeps the strict verdict for every case under the development profile, except http loopback', () => {
    // None of the vectors is a loopback http identifier, so the development profile changes no verdict.
    for (const vector of serverCases) {
      expect(isServerIdentifier(vector.input, { allowLocalhostHttp: true })).toBe(vector.valid);
    }
  });
});
