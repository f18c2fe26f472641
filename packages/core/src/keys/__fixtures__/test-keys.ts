/** Test helper: asserts that `fn` throws (or rejects with) an AAuthError of `ErrorClass`, with its code. */
import { expect } from 'vitest';
import { AAuthError } from '../../errors.js';

type ErrorClass<E extends AAuthError> = (abstract new (...args: never[]) => E) & { readonly code: string };

function check<E extends AAuthError>(err: unknown, errorClass: ErrorClass<E>): E {
  expect(err).toBeInstanceOf(errorClass);
  expect(err).toBeInstanceOf(AAuthError);
  expect((err as AAuthError).code).toBe(errorClass.code);
  return err as E;
}

export function expectError<E extends AAuthError>(fn: () => unknown, errorClass: ErrorClass<E>): E {
  try {
    fn();
  } catch (err) {
    return check(err, errorClass);
  }
  return expect.fail(`expected ${errorClass.name} to be thrown`);
}

export async function expectRejection<E extends AAuthError>(
  promise: Promise<unknown>,
  errorClass: ErrorClass<E>,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    return check(err, errorClass);
  }
  return expect.fail(`expected ${errorClass.name} to be rejected`);
}

/** The RFC 8037 A.1 Ed25519 key and the RFC 7515 A.3 P-256 key, with AAuth `alg`s. */
export const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
export const RFC8037_D = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A';
export const ED25519_PUBLIC = { kty: 'OKP', crv: 'Ed25519', x: RFC8037_X, alg: 'Ed25519' } as const;
export const ED25519_PRIVATE = { ...ED25519_PUBLIC, d: RFC8037_D } as const;
export const P256_PUBLIC = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  alg: 'ES256',
} as const;
export const P256_PRIVATE = { ...P256_PUBLIC, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' } as const;
