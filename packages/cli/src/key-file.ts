/**
 * The agent key from `--key <file>` or, by default, AAUTH_PRIVATE_KEY_FILE / AAUTH_PRIVATE_KEY (the
 * variables of core's createAAuthClientFromEnv). Every failure says how to get a usable key.
 */
import { readFile } from 'node:fs/promises';
import {
  AAUTH_ENV,
  InvalidKeyError,
  importPrivateKey,
  type PublicJwk,
  publicJwkFromPem,
  type SyncSigner,
  UnsupportedAlgorithmError,
} from '@aauth-kit/core';
import { SetupError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

const KEYGEN_HINT = 'create one with `aauth-kit keygen --out agent.pem`';

/** Where the key PEM comes from, for messages. */
export interface KeySource {
  pem: string;
  /** `agent.pem`, or the environment variable's name. */
  origin: string;
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a PEM file; a missing or unreadable file is a SetupError with the way to create it. */
export async function readPemFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable';
    throw new SetupError(`cannot read the key file ${path} (${why})`, KEYGEN_HINT, { cause });
  }
}

/** The key PEM from `--key`, else AAUTH_PRIVATE_KEY_FILE, else AAUTH_PRIVATE_KEY. */
export async function findKey(keyPath: string | undefined, env: Env): Promise<KeySource> {
  if (keyPath !== undefined) return { pem: await readPemFile(keyPath), origin: keyPath };
  const file = envValue(env, AAUTH_ENV.privateKeyFile);
  const inline = envValue(env, AAUTH_ENV.privateKey);
  if (file !== undefined && inline !== undefined) {
    throw new SetupError(
      `both ${AAUTH_ENV.privateKeyFile} and ${AAUTH_ENV.privateKey} are set`,
      `unset one of them, or pass --key <file>`,
    );
  }
  if (file !== undefined) return { pem: await readPemFile(file), origin: file };
  if (inline !== undefined) {
    // One-line environment values often carry the PEM newlines as literal "\n".
    return { pem: inline.replace(/\\n/g, '\n'), origin: AAUTH_ENV.privateKey };
  }
  throw new SetupError(
    'no agent key',
    `run \`aauth-kit keygen --out agent.pem\`, then pass --key agent.pem or set ${AAUTH_ENV.privateKeyFile}=agent.pem`,
  );
}

function unusable(origin: string, cause: unknown): SetupError {
  return new SetupError(
    `${origin} is not a usable private key (an Ed25519 or P-256 PKCS#8 PEM is needed)`,
    KEYGEN_HINT,
    { cause },
  );
}

/** A node:crypto signer over the key (`kid` defaults to its RFC 7638 thumbprint). */
export function signerFrom(source: KeySource, kid?: string): SyncSigner {
  try {
    return importPrivateKey(source.pem, kid === undefined ? undefined : { kid });
  } catch (cause) {
    if (cause instanceof InvalidKeyError || cause instanceof UnsupportedAlgorithmError) {
      throw unusable(source.origin, cause);
    }
    throw cause;
  }
}

/** The public JWK of a private (PKCS#8) or public (SPKI) PEM, with `alg` and `kid`. */
export function publicJwkFrom(source: KeySource, kid?: string): PublicJwk {
  try {
    return publicJwkFromPem(source.pem, kid === undefined ? undefined : { kid });
  } catch (cause) {
    if (cause instanceof InvalidKeyError || cause instanceof UnsupportedAlgorithmError) {
      throw unusable(source.origin, cause);
    }
    throw cause;
  }
}
