/**
 * A hand-rolled agent for the dev-server tests: an Ed25519 key registered at the dev Agent Provider, and
 * requests signed with core's `signMessage` presenting whichever token the step needs. It deliberately
 * does not use an agent client, so every protocol step is visible in the tests.
 */
import {
  type GeneratedKeyPair,
  generateKeyPair,
  type KnownSignatureKey,
  parseRequirement,
  signMessage,
} from '@aauth-kit/core';
import type { DevServer } from '../dev-server.js';

export interface SignedRequestOptions {
  method?: string;
  /** JSON body (serialized) or raw text. */
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Token to present (default: the agent token). */
  token?: string;
  /** Present a key instead of a token (e.g. `{ scheme: 'hwk', jwk }`). */
  signatureKey?: KnownSignatureKey;
  /** Send without signing. */
  unsigned?: boolean;
}

export interface TestAgent {
  key: GeneratedKeyPair;
  agentId: string;
  agentToken: string;
  request(url: string, options?: SignedRequestOptions): Promise<Response>;
}

export interface TestAgentOptions {
  local?: string;
  /** Signing clock in Unix seconds (tests that move the dev server's clock move the agent's too). */
  now?: () => number;
  /** Sign with this key instead of a fresh one (it is registered all the same). */
  key?: GeneratedKeyPair;
  /** Do not register the key at the Agent Provider. */
  unregistered?: boolean;
}

export async function createTestAgent(server: DevServer, options: TestAgentOptions = {}): Promise<TestAgent> {
  const key = options.key ?? (await generateKeyPair());
  const registered = options.unregistered
    ? { agentId: '', agentToken: '' }
    : await server.registerAgent({
        publicJwk: key.publicJwk,
        ...(options.local ? { local: options.local } : {}),
      });
  const clock = options.now === undefined ? {} : { now: options.now };
  const agent: TestAgent = {
    key,
    agentId: registered.agentId,
    agentToken: registered.agentToken,
    async request(url, options = {}) {
      const method =
        options.method ?? (options.json === undefined && options.body === undefined ? 'GET' : 'POST');
      const body = options.json === undefined ? options.body : JSON.stringify(options.json);
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      if (!options.unsigned) {
        const signed = await signMessage(
          { method, url, headers, body: body ?? null },
          {
            signer: key.signer,
            signatureKey: options.signatureKey ?? { scheme: 'jwt', jwt: options.token ?? agent.agentToken },
            ...clock,
          },
        );
        for (const [name, value] of Object.entries(signed)) if (value !== undefined) headers[name] = value;
      }
      return server.fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    },
  };
  return agent;
}

/** The parsed AAuth-Requirement of a response (throws when absent). */
export function requirementOf(response: Response): ReturnType<typeof parseRequirement> {
  const header = response.headers.get('aauth-requirement');
  if (header === null) throw new TypeError(`no AAuth-Requirement on a ${response.status}`);
  return parseRequirement(header);
}

/** Decodes a JWT payload without verifying it (assertions only). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The PS metadata document. */
export async function personServerMetadata(server: DevServer): Promise<Record<string, string>> {
  const response = await server.fetch(`${server.identifiers.personServer}/.well-known/aauth-person.json`);
  return (await response.json()) as Record<string, string>;
}

/**
 * Walks the agent to the point where it holds a resource token for `POST /documents/1/summary`:
 * 401 person-token → person token → 401 auth-token.
 */
export async function obtainResourceToken(
  server: DevServer,
  agent: TestAgent,
): Promise<{ personToken: string; resourceToken: string }> {
  const metadata = await personServerMetadata(server);
  const personResponse = await agent.request(metadata.person_token_endpoint!, {
    json: { resource: server.identifiers.resource },
  });
  if (personResponse.status !== 200) {
    throw new TypeError(
      `person token request answered ${personResponse.status}: ${await personResponse.text()}`,
    );
  }
  const { person_token: personToken } = (await personResponse.json()) as { person_token: string };
  const challenge = await agent.request(`${server.identifiers.resource}/documents/1/summary`, {
    method: 'POST',
    token: personToken,
  });
  const requirement = requirementOf(challenge);
  if (challenge.status !== 401 || requirement.resourceToken === undefined) {
    throw new TypeError(`expected an auth-token challenge, got ${challenge.status}`);
  }
  return { personToken, resourceToken: requirement.resourceToken };
}
