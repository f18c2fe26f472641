/**
 * `createAAuthClientFromEnv`: the client configured from `AAUTH_*` environment variables (documented in
 * the core README, "Agent client"). Explicit overrides win over the environment.
 */
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../errors.js';
import { importPrivateKey } from '../keys/index.js';
import type { Signer } from '../keys/types.js';
import { createAAuthClient } from './client.js';
import type { AAuthClient, AAuthClientOptions } from './types.js';

export const ENV = {
  privateKey: 'AAUTH_PRIVATE_KEY',
  privateKeyFile: 'AAUTH_PRIVATE_KEY_FILE',
  agentToken: 'AAUTH_AGENT_TOKEN',
  personServer: 'AAUTH_PERSON_SERVER',
  consent: 'AAUTH_CONSENT',
  development: 'AAUTH_DEVELOPMENT',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseBoolean(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const text = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new ConfigurationError(`${name} must be true/false (or 1/0), got ${JSON.stringify(raw)}`);
}

async function signerFromEnv(env: Env): Promise<Signer> {
  const inline = value(env, ENV.privateKey);
  const file = value(env, ENV.privateKeyFile);
  if (inline !== undefined && file !== undefined) {
    throw new ConfigurationError(`set ${ENV.privateKey} or ${ENV.privateKeyFile}, not both`);
  }
  let pem: string;
  if (inline !== undefined) {
    // One-line env values often carry the PEM newlines as literal "\n".
    pem = inline.includes('\\n') ? inline.replace(/\\n/g, '\n') : inline;
  } else if (file !== undefined) {
    try {
      pem = await readFile(file, 'utf8');
    } catch (cause) {
      throw new ConfigurationError(`cannot read ${ENV.privateKeyFile} (${file})`, { cause });
    }
  } else {
    throw new ConfigurationError(`no agent key: set ${ENV.privateKey} (PKCS#8 PEM) or ${ENV.privateKeyFile}`);
  }
  try {
    return importPrivateKey(pem);
  } catch (cause) {
    throw new ConfigurationError('the agent private key is not a usable PKCS#8 PEM (Ed25519 or P-256)', {
      cause,
    });
  }
}

/**
 * Builds a client from `env` (default `process.env`): AAUTH_PRIVATE_KEY | AAUTH_PRIVATE_KEY_FILE,
 * AAUTH_AGENT_TOKEN, AAUTH_PERSON_SERVER, AAUTH_CONSENT (`wait` | `throw`), AAUTH_DEVELOPMENT.
 */
export async function createAAuthClientFromEnv(
  env: Env = process.env,
  overrides: Partial<AAuthClientOptions> = {},
): Promise<AAuthClient> {
  const options: Partial<AAuthClientOptions> = {};
  options.signer = overrides.signer ?? (await signerFromEnv(env));
  const agentToken = value(env, ENV.agentToken);
  if (overrides.agentToken === undefined && overrides.agentProvider === undefined) {
    if (agentToken === undefined) throw new ConfigurationError(`no agent token: set ${ENV.agentToken}`);
    options.agentToken = agentToken;
  }
  const personServer = value(env, ENV.personServer);
  if (personServer !== undefined) options.personServer = personServer;
  const consent = value(env, ENV.consent);
  if (consent !== undefined) {
    if (consent !== 'wait' && consent !== 'throw') {
      throw new ConfigurationError(
        `${ENV.consent} must be "wait" or "throw", got ${JSON.stringify(consent)}`,
      );
    }
    options.consent = consent;
  }
  const development = parseBoolean(ENV.development, value(env, ENV.development));
  if (development !== undefined) options.development = development;
  return createAAuthClient({ ...options, ...overrides } as AAuthClientOptions);
}
