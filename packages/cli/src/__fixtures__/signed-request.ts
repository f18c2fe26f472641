/** A captured AAuth-signed request (agent token from a pinned Agent Provider key), for `verify` tests. */
import { generateKeyPair, mintAgentToken, signMessage } from '@aauth-kit/core';

export const ISSUER = 'https://agents.example';
export const AGENT_ID = 'aauth:assistant@agents.example';

export interface CapturedJson {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SignedRequestFixture {
  request: CapturedJson;
  /** The Agent Provider's JWKS (trusted with --issuer-jwks ISSUER=file). */
  jwks: unknown;
  agentToken: string;
  created: number;
}

export async function signedRequest(
  options: { url?: string; body?: string | null; now?: number } = {},
): Promise<SignedRequestFixture> {
  const provider = await generateKeyPair({ kid: 'ap-1' });
  const agent = await generateKeyPair();
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const agentToken = await mintAgentToken(
    { iss: ISSUER, sub: AGENT_ID, ps: 'https://ps.example', cnf: { jwk: agent.publicJwk } },
    { signer: provider.signer, kid: provider.kid, now: () => now },
  );
  const url = options.url ?? 'https://api.example/notes?draft=1';
  const body = options.body === undefined ? '{"text":"hello"}' : options.body;
  const headers: Record<string, string> = body === null ? {} : { 'content-type': 'application/json' };
  const signature = await signMessage(
    { method: 'POST', url, headers, body },
    { signer: agent.signer, signatureKey: { scheme: 'jwt', jwt: agentToken }, now: () => now },
  );
  for (const [name, value] of Object.entries(signature)) if (typeof value === 'string') headers[name] = value;
  return {
    request: { method: 'POST', url, headers, ...(body === null ? {} : { body }) },
    jwks: provider.jwks,
    agentToken,
    created: now,
  };
}

/** The same request as raw HTTP/1.1 text (origin-form target, Host, Content-Length). */
export function toRawHttp(request: CapturedJson): string {
  const url = new URL(request.url);
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  const body = request.body ?? '';
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
