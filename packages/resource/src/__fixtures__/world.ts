/**
 * A small AAuth world for tests, over real HTTP on loopback: an Agent Provider, two Person Servers and an
 * Access Server, each publishing its metadata and JWKS from its own node:http server on 127.0.0.1 (the
 * development profile admits `http://127.0.0.1:<port>` identifiers), plus an agent key and helpers to mint
 * real tokens and sign requests as the agent.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DWK,
  type Dwk,
  type GeneratedKeyPair,
  generateKeyPair,
  type HttpRequestLike,
  mintAgentToken,
  mintAuthToken,
  mintPersonToken,
  type Signer,
  signMessage,
} from '@aauth-kit/core';

export interface IssuerServer {
  issuer: string;
  dwk: Dwk;
  key: GeneratedKeyPair;
  close(): Promise<void>;
}

export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`: also the server identifier under the development profile. */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/** Start a node:http server for `listener` on an ephemeral loopback port. */
export async function startLoopbackServer(listener: RequestListener): Promise<LoopbackServer> {
  const server = createServer(listener);
  const port = await listenOnLoopback(server);
  return { origin: `http://127.0.0.1:${port}`, server, close: () => closeServer(server) };
}

/** Start a server publishing `/.well-known/{dwk}` and `/jwks.json` for a fresh key. */
export async function startIssuer(dwk: Dwk): Promise<IssuerServer> {
  const key = await generateKeyPair();
  let metadata = '';
  const server = createServer((req, res) => {
    const body =
      req.url === `/.well-known/${dwk}`
        ? metadata
        : req.url === '/jwks.json'
          ? JSON.stringify(key.jwks)
          : undefined;
    if (body === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  const port = await listenOnLoopback(server);
  const issuer = `http://127.0.0.1:${port}`;
  const document: Record<string, unknown> = { issuer, jwks_uri: `${issuer}/jwks.json` };
  if (dwk === DWK.person) {
    document.person_token_endpoint = `${issuer}/person`;
    document.auth_token_endpoint = `${issuer}/token`;
  }
  if (dwk === DWK.access) document.auth_token_endpoint = `${issuer}/token`;
  metadata = JSON.stringify(document);
  return { issuer, dwk, key, close: () => closeServer(server) };
}

export const AGENT_ID = 'aauth:bot@localhost';
const MINT = { allowLocalhostHttp: true } as const;

export interface PersonTokenInput {
  aud: string;
  ps?: IssuerServer;
  sub?: string;
  mission_s256?: string;
  tenant?: string;
  cnfJwk?: GeneratedKeyPair['publicJwk'];
}

export interface AuthTokenInput {
  aud: string;
  /** Issuer (a PS, or an AS with `dwk` aauth-access.json). Default the first PS. */
  issuer?: IssuerServer;
  /** `ps` claim (default the issuer's identifier for a PS). */
  ps?: string;
  sub?: string;
  scope?: string;
  mission_s256?: string;
  tenant?: string;
}

export interface World {
  ap: IssuerServer;
  ps: IssuerServer;
  otherPs: IssuerServer;
  as: IssuerServer;
  agent: GeneratedKeyPair;
  agentToken(options?: { ps?: string | null }): Promise<string>;
  personToken(input: PersonTokenInput): Promise<string>;
  authToken(input: AuthTokenInput): Promise<string>;
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const [ap, ps, otherPs, as, agent] = await Promise.all([
    startIssuer(DWK.agent),
    startIssuer(DWK.person),
    startIssuer(DWK.person),
    startIssuer(DWK.access),
    generateKeyPair(),
  ]);
  return {
    ap,
    ps,
    otherPs,
    as,
    agent,
    agentToken(options = {}) {
      const psClaim = options.ps === undefined ? ps.issuer : options.ps;
      return mintAgentToken(
        {
          iss: ap.issuer,
          sub: AGENT_ID,
          cnf: { jwk: agent.publicJwk },
          ...(psClaim === null ? {} : { ps: psClaim }),
        },
        { signer: ap.key.signer, kid: ap.key.kid, ...MINT },
      );
    },
    personToken(input) {
      const server = input.ps ?? ps;
      return mintPersonToken(
        {
          iss: server.issuer,
          aud: input.aud,
          sub: input.sub ?? 'person-1234',
          cnf: { jwk: input.cnfJwk ?? agent.publicJwk },
          ...(input.mission_s256 === undefined ? {} : { mission_s256: input.mission_s256 }),
          ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
        },
        { signer: server.key.signer, kid: server.key.kid, ...MINT },
      );
    },
    authToken(input) {
      const server = input.issuer ?? ps;
      return mintAuthToken(
        {
          iss: server.issuer,
          dwk: server.dwk === DWK.access ? DWK.access : DWK.person,
          aud: input.aud,
          ps: input.ps ?? (server.dwk === DWK.access ? ps.issuer : server.issuer),
          sub: input.sub ?? 'person-1234',
          cnf: { jwk: agent.publicJwk },
          ...(input.scope === undefined ? {} : { scope: input.scope }),
          ...(input.mission_s256 === undefined ? {} : { mission_s256: input.mission_s256 }),
          ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
        },
        { signer: server.key.signer, kid: server.key.kid, ...MINT },
      );
    },
    async close() {
      await Promise.all([ap.close(), ps.close(), otherPs.close(), as.close()]);
    },
  };
}

export interface SignedRequestInit {
  method?: string;
  /** JSON-serialized when not a string. */
  body?: unknown;
  contentType?: string;
  signer?: Signer;
  headers?: Record<string, string>;
  /** Explicit `created` (Unix seconds) for freshness tests. */
  created?: number;
}

/** The headers (signature ones included) and body bytes of a request signed as the agent with `token`. */
export async function signAsAgent(
  world: World,
  url: string,
  token: string,
  init: SignedRequestInit = {},
): Promise<{ method: string; headers: Headers; body: string | undefined }> {
  const method = init.method ?? 'GET';
  const headers = new Headers(init.headers);
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers.set('content-type', init.contentType ?? 'application/json');
  }
  const message: HttpRequestLike = { method, url, headers, body: body ?? null };
  const added = await signMessage(message, {
    signer: init.signer ?? world.agent.signer,
    signatureKey: { scheme: 'jwt', jwt: token },
    ...(init.created === undefined ? {} : { created: init.created }),
  });
  for (const [name, value] of Object.entries(added)) if (value !== undefined) headers.set(name, value);
  return { method, headers, body };
}

/** A WHATWG Request signed as the agent. */
export async function signedRequest(
  world: World,
  url: string,
  token: string,
  init: SignedRequestInit = {},
): Promise<Request> {
  const { method, headers, body } = await signAsAgent(world, url, token, init);
  return new Request(url, body === undefined ? { method, headers } : { method, headers, body });
}
