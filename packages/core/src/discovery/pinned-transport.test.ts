import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../errors.js';
import type { EgressPolicy } from './egress.js';
import { fetchJson } from './fetch-json.js';
import { pinnedGet, pinnedLookup } from './pinned-transport.js';

/** Self-signed certificate for `rebind.invalid`: a name that never resolves (RFC 2606). */
const cert = readFileSync(new URL('./__fixtures__/rebind-cert.pem', import.meta.url), 'utf8');
const key = readFileSync(new URL('./__fixtures__/rebind-key.pem', import.meta.url), 'utf8');
const HOST = 'rebind.invalid';

let server: Server;
let port: number;
const serverNames: Array<string | false | null> = [];
let tcpConnections = 0;
let onServerName: ((name: string | false | null) => void) | undefined;
/** Resolves with the SNI of the next TLS handshake the server sees (accepted or refused). */
function nextServerName(): Promise<string | false | null> {
  return new Promise((resolve) => {
    onServerName = resolve;
  });
}
function recordServerName(name: string | false | null): void {
  serverNames.push(name);
  onServerName?.(name);
  onServerName = undefined;
}
const hostHeaders: Array<string | undefined> = [];

beforeAll(async () => {
  server = createHttpsServer({ cert, key }, (req, res) => {
    hostHeaders.push(req.headers.host);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ pinned: true }));
  });
  // Records the SNI every client sent, including those that then reject the certificate.
  // TCP accepts are counted synchronously (TLS error events may arrive after the client gave up).
  server.on('connection', () => {
    tcpConnections++;
  });
  server.on('secureConnection', (socket) => recordServerName(socket.servername));
  server.on('tlsClientError', (_error, socket) => recordServerName(socket.servername));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const loopback = [{ address: '127.0.0.1', family: 4 as const }];

describe('pinnedGet', () => {
  it('connects to the admitted address although the host name does not resolve, verifying TLS for the name', async () => {
    const url = new URL(`https://${HOST}:${port}/doc`);
    const response = await pinnedGet(
      { url, addresses: loopback },
      { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' }, ca: cert },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=60');
    expect(await new Response(response.body).json()).toEqual({ pinned: true });
    expect(serverNames.at(-1)).toBe(HOST);
    expect(hostHeaders.at(-1)).toBe(`${HOST}:${port}`);
  });

  it('still rejects a certificate that does not chain to a trusted root', async () => {
    const url = new URL(`https://${HOST}:${port}/doc`);
    const attempt = pinnedGet(
      { url, addresses: loopback },
      { signal: AbortSignal.timeout(5000), headers: {} },
    );
    await expect(attempt).rejects.toBeInstanceOf(NetworkError);
  });

  it('answers lookups only with admitted addresses, filtered by the requested family', () => {
    const lookup = pinnedLookup([...loopback, { address: '::1', family: 6 }]);
    const answers: unknown[] = [];
    const record = (...args: unknown[]): void => {
      answers.push(args);
    };
    lookup('anything.example', { all: true }, record as never);
    lookup('anything.example', { family: 6 }, record as never);
    lookup('anything.example', {}, record as never);
    expect(answers[0]).toEqual([null, [...loopback, { address: '::1', family: 6 }]]);
    expect(answers[1]).toEqual([null, '::1', 6]);
    expect(answers[2]).toEqual([null, '127.0.0.1', 4]);
  });

  it('fails the lookup rather than resolving afresh when no admitted address has the family', () => {
    let failure: unknown;
    pinnedLookup(loopback)('anything.example', { family: 6 }, ((error: unknown) => {
      failure = error;
    }) as never);
    expect(failure).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('fetchJson default transport (DNS-rebinding pin)', () => {
  it('reaches the address admission resolved, not a second DNS answer', async () => {
    // Admission sees 127.0.0.1 through the injected resolver; the system resolver cannot resolve the
    // name at all, so only a pinned connection can reach the server.
    const egress: EgressPolicy = {
      profile: 'strict',
      allowHosts: [HOST],
      lookup: async () => loopback,
    };
    const handshake = nextServerName();
    const error = await fetchJson(`https://${HOST}:${port}/doc`, { egress }).catch((e: unknown) => e);
    // The fixture certificate is self-signed, so the default trust store refuses it after the
    // handshake reached the pinned address with SNI = the admitted host name.
    expect(error).toBeInstanceOf(NetworkError);
    expect(await handshake).toBe(HOST);
  });

  it('leaves an injected fetch its own DNS: the unresolvable name never reaches the server', async () => {
    const egress: EgressPolicy = { profile: 'strict', allowHosts: [HOST], lookup: async () => loopback };
    const before = tcpConnections;
    const error = await fetchJson(`https://${HOST}:${port}/doc`, { egress, fetch: globalThis.fetch }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(tcpConnections).toBe(before);
  });
});
