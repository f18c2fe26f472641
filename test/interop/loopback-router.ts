/**
 * Loopback router for interop tests: every party keeps a real, port-less `https://<host>` identifier
 * (what peers such as @hellocoop/mockin insist on), and only the transport is rewritten. A request to
 * `https://ps.mockin.test/x` is sent over plain HTTP to `127.0.0.1:<port>/x` with `Host: ps.mockin.test`,
 * so what was signed (`@authority` = the identifier host) and what the server sees in `Host` both stay
 * the identifier. Nothing in the request or the answer is changed. Unknown hosts are refused, so a test
 * can never reach the network by accident.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface RoutedExchange {
  method: string;
  /** The URL as the caller asked for it (the identifier, not the loopback address). */
  url: string;
  /** `Host` header sent to the server. */
  host: string;
  status: number | undefined;
}

/** Statuses whose Response must have a null body (fetch spec "null body status"). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

export class LoopbackRouter {
  readonly #ports = new Map<string, number>();
  /** Every exchange that went through `fetch`, in order. */
  readonly exchanges: RoutedExchange[] = [];

  /** Routes `identifier` (`https://host`, no port, no path) to `127.0.0.1:port`. */
  route(identifier: string, port: number): this {
    const url = new URL(identifier);
    if (url.protocol !== 'https:' || url.port !== '' || url.origin !== identifier) {
      throw new TypeError(`LoopbackRouter routes port-less https identifiers, not ${identifier}`);
    }
    this.#ports.set(url.host, port);
    return this;
  }

  count(predicate: (exchange: RoutedExchange) => boolean = () => true): number {
    return this.exchanges.filter(predicate).length;
  }

  reset(): void {
    this.exchanges.length = 0;
  }

  /** A `fetch` that sends routed identifiers to loopback and refuses everything else. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const port = url.protocol === 'https:' && url.port === '' ? this.#ports.get(url.host) : undefined;
    if (port === undefined) throw new TypeError(`LoopbackRouter: no route for ${url.origin}`);
    const body =
      request.method === 'GET' || request.method === 'HEAD'
        ? undefined
        : Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers.host = url.host;
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const exchange: RoutedExchange = {
      method: request.method,
      url: url.href,
      host: url.host,
      status: undefined,
    };
    this.exchanges.push(exchange);
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: `${url.pathname}${url.search}`,
          headers,
          signal: request.signal,
        },
        (res) => {
          readAll(res).then((bytes) => {
            const status = res.statusCode ?? 502;
            exchange.status = status;
            const nullBody = NULL_BODY_STATUSES.has(status) || request.method === 'HEAD';
            resolve(
              new Response(nullBody ? null : new Uint8Array(bytes), {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders(res),
              }),
            );
          }, reject);
        },
      );
      outgoing.on('error', (cause: Error) => {
        // Same shape as a failing global fetch: a TypeError carrying the cause (or the abort reason).
        reject(request.signal.aborted ? request.signal.reason : new TypeError('fetch failed', { cause }));
      });
      outgoing.end(body);
    });
  }) as typeof fetch;

  /**
   * Replaces `globalThis.fetch` with `fetch` (for peers that take no fetch injection, like mockin's
   * metadata/JWKS discovery) and returns the function that restores the original.
   */
  installGlobal(): () => void {
    const original = globalThis.fetch;
    globalThis.fetch = this.fetch;
    return () => {
      globalThis.fetch = original;
    };
  }
}
