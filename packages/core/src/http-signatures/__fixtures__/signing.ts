/** Shared helpers for the http-signatures tests: a fixed agent key, clocks, and test resolvers. */
import { expect } from 'vitest';
import { AAuthError, SignatureVerificationError } from '../../errors.js';
import { createNodeSigner, createVerificationKey } from '../../keys/index.js';
import type { PrivateJwk } from '../../keys/types.js';
import type { SignatureKey } from '../../signature-key/types.js';
import type { ResolvedSignatureKey, SignatureKeyResolver, SignatureVerificationPolicy } from '../types.js';

/** RFC 8037 Appendix A.1 Ed25519 key (the aauth-go vectors' signing key), with its AAuth `alg`. */
export const AGENT_PRIVATE_JWK: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  alg: 'Ed25519',
};

export const agentSigner = createNodeSigner(AGENT_PRIVATE_JWK);
export const agentKey = createVerificationKey(agentSigner.publicJwk);

/** A placeholder agent token: the tests' resolver does not read it (token checks live in tokens/). */
export const AGENT_TOKEN = 'eyJhbGciOiJFZDI1NTE5IiwidHlwIjoiYWEtYWdlbnQrand0In0.eyJzdWIiOiJhZ2VudCJ9.c2ln';
export const SIGNATURE_KEY = { scheme: 'jwt', jwt: AGENT_TOKEN } as const;

export const NOW = 1_791_275_737;
export const clock =
  (seconds: number = NOW): (() => number) =>
  () =>
    seconds;

export const AAUTH_POLICY: SignatureVerificationPolicy = { schemes: ['jwt'] };

/** Resolves any `jwt` member to `key`, as a token verifier would after checking the token's `cnf.jwk`. */
export function fixedKeyResolver(key = agentKey): SignatureKeyResolver {
  return async (member: SignatureKey): Promise<ResolvedSignatureKey> => ({ scheme: member.scheme, key });
}

/** Resolves an `hwk` member to the inline key. */
export const hwkResolver: SignatureKeyResolver = async (member) => {
  if (member.scheme !== 'hwk' || !('jwk' in member)) {
    throw new SignatureVerificationError('unsupported_scheme', `unexpected scheme ${member.scheme}`);
  }
  return { scheme: 'hwk', key: createVerificationKey(member.jwk) };
};

/** Runs `action` and returns the error it rejected with (fails the test when it resolves). */
export async function rejection(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  expect.fail('expected the call to reject');
}

/** Asserts a SignatureVerificationError with `code` and returns it for further checks. */
export async function expectSignatureError(
  action: () => Promise<unknown>,
  code: string,
): Promise<SignatureVerificationError> {
  const error = await rejection(action);
  expect(error).toBeInstanceOf(SignatureVerificationError);
  const typed = error as SignatureVerificationError;
  expect(typed.signatureError, typed.message).toBe(code);
  expect(typed).toBeInstanceOf(AAuthError);
  return typed;
}
