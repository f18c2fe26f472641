/**
 * Agent tokens from a dev-server Agent Provider (`@aauth-kit/dev-server`): its metadata names the
 * dev-only `registration_endpoint` (unauthenticated: register a public key) and `agent_token_endpoint`
 * (a fresh token for a registered key, the request signed with `Signature-Key: sig=hwk`).
 */
import {
  HEADER,
  ProtocolError,
  parseSignatureError,
  SIGNATURE_ERROR_CODE,
  type Signer,
  signMessage,
} from '@aauth-kit/core';
import { SetupError } from './errors.js';
import { describeFailure, readJsonObject, type SendOptions, send } from './http.js';

const METADATA_PATH = '/.well-known/aauth-agent.json';

export interface AgentTokenRequest extends SendOptions {
  /** The Agent Provider's URL (its identifier, e.g. `http://localhost:8752`). */
  agentProvider: string;
  signer: Signer;
  /** Register the key first (idempotent: a registered key gets its identifier back). */
  register: boolean;
  /** Local part of the agent identifier asked for at registration. */
  local?: string;
  /** Display name given at registration. */
  name?: string;
}

export interface IssuedAgentToken {
  agentId: string;
  agentToken: string;
  expiresIn: number;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** The AP origin: https, or http on loopback (the dev server). */
export function agentProviderOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new SetupError(
      `--agent-provider ${JSON.stringify(value)} is not a URL`,
      'e.g. http://localhost:8752',
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new SetupError(
      `--agent-provider ${value} must be https (or http on localhost for the dev server)`,
      'e.g. http://localhost:8752',
    );
  }
  return url.origin;
}

function endpoint(metadata: Record<string, unknown>, member: string, origin: string): string {
  const value = metadata[member];
  if (typeof value !== 'string') {
    throw new SetupError(
      `${origin} is not a dev-server Agent Provider (its metadata has no ${member})`,
      'other Agent Providers issue agent tokens their own way: pass --agent-token, or mint one with --self',
    );
  }
  const url = new URL(value, origin);
  if (url.origin !== origin) {
    throw new ProtocolError(`${origin} names a ${member} on another origin (${url.origin})`, {
      url: url.href,
    });
  }
  return url.href;
}

function issued(json: Record<string, unknown>, url: string): IssuedAgentToken {
  const { agent_id: agentId, agent_token: agentToken, expires_in: expiresIn } = json;
  if (typeof agentId !== 'string' || typeof agentToken !== 'string' || typeof expiresIn !== 'number') {
    throw new ProtocolError(`${url} did not answer {agent_id, agent_token, expires_in}`, { url });
  }
  return { agentId, agentToken, expiresIn };
}

function signatureErrorOf(response: Response): string | undefined {
  const header = response.headers.get(HEADER.signatureError);
  if (header === null) return undefined;
  try {
    return parseSignatureError(header).error;
  } catch {
    return undefined;
  }
}

async function refused(response: Response, url: string, request: AgentTokenRequest): Promise<never> {
  if (response.status === 401 && signatureErrorOf(response) === SIGNATURE_ERROR_CODE.unknownKey) {
    throw new SetupError(
      `this key is not registered at ${request.agentProvider}`,
      `register it once: aauth-kit agent-token --agent-provider ${request.agentProvider} --register (same --key)`,
    );
  }
  const { error, detail } = await describeFailure(response);
  throw new ProtocolError(`${url} answered ${response.status} ${error}${detail ? `: ${detail}` : ''}`, {
    status: response.status,
    url,
  });
}

function definedHeaders(headers: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

/** Registers the key (`register`) or asks for a fresh token for it; resolves with the agent token. */
export async function requestAgentToken(request: AgentTokenRequest): Promise<IssuedAgentToken> {
  const origin = agentProviderOrigin(request.agentProvider);
  const metadataUrl = `${origin}${METADATA_PATH}`;
  const metadataResponse = await send(metadataUrl, { method: 'GET' }, request);
  if (!metadataResponse.ok) await refused(metadataResponse, metadataUrl, request);
  const metadata = await readJsonObject(metadataResponse, metadataUrl);

  let url: string;
  let response: Response;
  if (request.register) {
    url = endpoint(metadata, 'registration_endpoint', origin);
    const body = JSON.stringify({
      jwk: request.signer.publicJwk,
      ...(request.local === undefined ? {} : { local: request.local }),
      ...(request.name === undefined ? {} : { name: request.name }),
    });
    response = await send(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body },
      request,
    );
  } else {
    url = endpoint(metadata, 'agent_token_endpoint', origin);
    const headers = await signMessage(
      { method: 'POST', url, headers: {}, body: null },
      { signer: request.signer, signatureKey: { scheme: 'hwk', jwk: request.signer.publicJwk } },
    );
    response = await send(url, { method: 'POST', headers: definedHeaders(headers) }, request);
  }
  if (!response.ok) await refused(response, url, request);
  return issued(await readJsonObject(response, url), url);
}
