/** `createAAuthTransport`: a StreamableHTTPClientTransport whose every request goes through `withAAuth`. */
import { ConfigurationError } from '@aauth-kit/core';
import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type AAuthClientSource, type FetchLike, type WithAAuthOptions, withAAuth } from './with-aauth.js';

export interface AAuthTransportOptions extends WithAAuthOptions {
  /** The AAuth agent client, in either consent mode (the `consent` option here decides). */
  client: AAuthClientSource;
  /**
   * Other transport options (`requestInit`, `reconnectionOptions`, `sessionId`, `redirectPolicy`).
   * `authProvider` is left out on purpose: it adds a Bearer token and runs OAuth on 401.
   */
  transport?: Omit<StreamableHTTPClientTransportOptions, 'fetch' | 'authProvider'>;
  /** The `next` fetch handed to a client factory (default: global fetch). */
  fetch?: FetchLike;
}

/** An MCP Streamable HTTP client transport to `url` that signs every request with AAuth. */
export function createAAuthTransport(
  url: string | URL,
  options: AAuthTransportOptions,
): StreamableHTTPClientTransport {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('createAAuthTransport needs options with a client');
  }
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch (cause) {
    throw new ConfigurationError(`${String(url)} is not an absolute URL`, { cause });
  }
  const { client, transport, fetch: base, ...middleware } = options;
  const next: FetchLike = base ?? ((input, init) => globalThis.fetch(input, init));
  return new StreamableHTTPClientTransport(endpoint, {
    ...transport,
    fetch: withAAuth(client, middleware)(next),
  });
}
