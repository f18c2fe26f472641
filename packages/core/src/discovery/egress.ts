/**
 * Egress admission for discovery fetches (SK08 §7.3, P11 #jwks-discovery): a verifier fetches URLs
 * chosen by whoever sent the request, so every outbound URL is admitted here before any byte leaves.
 *
 * Pinning: the admitted addresses are returned in `AdmittedUrl.addresses`, and the default discovery
 * transport (`pinned-transport.ts`, node:https) connects to exactly those addresses while TLS still
 * verifies the certificate for the host name, so a DNS answer that changes between admission and
 * connection (DNS rebinding) cannot redirect the request. Not pinned: development loopback hosts and
 * allow-listed IP literals (nothing to resolve or operator-chosen), and any caller-injected `fetch`,
 * which owns its own transport and DNS (bind it to the admitted addresses yourself if you need that).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AbortedError, EgressDeniedError, NetworkError, TimeoutError } from '../errors.js';

export type EgressProfile = 'strict' | 'development';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface EgressPolicy {
  /**
   * `strict` (default): https only, public addresses only. `development`: additionally admits
   * `http://localhost[:port]`, `http://127.0.0.1[:port]` and `http://[::1][:port]` (and https to those
   * hosts). For local use and tests only: never enable it in production.
   */
  profile: EgressProfile;
  /**
   * Lowercase host names (or IP literals) admitted although they are IP literals or resolve to
   * non-public ranges (an internal issuer you operate). The scheme rule still applies.
   */
  allowHosts?: readonly string[];
  /** DNS resolution used for admission (default `node:dns` lookup of all addresses). */
  lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

export const STRICT_EGRESS: EgressPolicy = Object.freeze({ profile: 'strict' });
/** Local development and tests only (see `EgressPolicy.profile`). */
export const DEVELOPMENT_EGRESS: EgressPolicy = Object.freeze({ profile: 'development' });

export interface AdmittedUrl {
  url: URL;
  /**
   * Addresses the host resolved to at admission; the default transport connects only to these.
   * Empty for a development loopback host and an allow-listed IP literal (connected as named).
   */
  addresses: readonly ResolvedAddress[];
}

/** Ranges never reachable from discovery: private, loopback, link-local, ULA, CGNAT, multicast, reserved. */
const NON_PUBLIC = buildNonPublicList();

function buildNonPublicList(): BlockList {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8], // "this network", unspecified
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // CGNAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local (cloud metadata lives here)
    ['172.16.0.0', 12],
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // TEST-NET-1
    ['192.88.99.0', 24], // 6to4 relay anycast
    ['192.168.0.0', 16],
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // TEST-NET-2
    ['203.0.113.0', 24], // TEST-NET-3
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved + broadcast
  ];
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  const v6: Array<[string, number]> = [
    ['::', 96], // unspecified, loopback, deprecated IPv4-compatible (IPv4-mapped is matched against the v4 list)
    ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address we cannot vet here)
    ['64:ff9b:1::', 48], // local-use NAT64
    ['100::', 64], // discard-only
    ['2001::', 32], // Teredo (embeds IPv4)
    ['2001:db8::', 32], // documentation
    ['2002::', 16], // 6to4 (embeds IPv4)
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['fec0::', 10], // deprecated site-local
    ['ff00::', 8], // multicast
  ];
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** True when `address` (an IP literal) is in a range discovery must never reach. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

async function defaultLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
}

/** Waits for `promise` but gives up as soon as `signal` aborts (DNS lookups cannot be cancelled). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // Nobody waits for `promise` any more: keep its eventual rejection from going unhandled.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Admits an outbound URL under `policy` or throws `EgressDeniedError`. DNS failures are
 * `NetworkError`; an aborted `signal` rethrows its reason (callers map it to Timeout/Aborted).
 */
export async function admitUrl(
  input: string | URL,
  policy: EgressPolicy = STRICT_EGRESS,
  signal?: AbortSignal,
): Promise<AdmittedUrl> {
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new EgressDeniedError(String(input), 'not an absolute URL', { cause });
  }
  const href = url.href;
  if (url.username !== '' || url.password !== '') {
    throw new EgressDeniedError(href, 'URLs with userinfo are refused');
  }
  const hostname = url.hostname; // already lowercased by the URL parser; IPv6 in brackets
  const development = policy.profile === 'development';
  if (development && LOOPBACK_HOSTS.has(hostname)) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new EgressDeniedError(href, `scheme ${url.protocol} is refused`);
    }
    return { url, addresses: [] };
  }
  if (url.protocol !== 'https:') {
    throw new EgressDeniedError(href, `scheme ${url.protocol} is refused (https only)`);
  }
  const allowListed = policy.allowHosts?.includes(hostname) === true;
  const bare = stripBrackets(hostname);
  if (isIP(bare) !== 0) {
    if (allowListed) return { url, addresses: [] };
    throw new EgressDeniedError(href, 'IP-literal hosts are refused');
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await raceSignal((policy.lookup ?? defaultLookup)(bare), signal);
  } catch (cause) {
    if (signal?.aborted || cause instanceof AbortedError || cause instanceof TimeoutError) throw cause;
    // An allow-listed name the resolver does not know (a test identifier routed by an injected fetch)
    // is admitted unpinned: the operator named it, and whoever injected the transport owns its DNS.
    if (allowListed) return { url, addresses: [] };
    throw new NetworkError(`DNS lookup failed for ${bare}`, href, { cause });
  }
  // Allow-listed names skip the range check but are resolved once so the default transport pins them.
  if (allowListed) return { url, addresses };
  if (addresses.length === 0) throw new NetworkError(`DNS lookup for ${bare} returned no address`, href);
  for (const { address } of addresses) {
    if (isNonPublicAddress(address)) {
      throw new EgressDeniedError(href, `${bare} resolves to a non-public address (${address})`);
    }
  }
  return { url, addresses };
}
