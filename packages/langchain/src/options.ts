/** Options shared by `withAAuth` and `aauthMiddleware`, checked once when the wrapper is built. */
import { type AAuthClient, ConfigurationError } from '@aauth-kit/core';
import type { ConsentDeclined } from './consent-errors.js';

/**
 * `interrupt`: pause the graph with LangGraph `interrupt()` and resume with
 * `new Command({ resume: { approved: true } })` (needs a checkpointer).
 * `wait`: block the tool call until the person answers (the client's `onInteraction` shows the URL).
 * Either works whatever consent mode the client was created with: tool calls run on the client's
 * `withConsent('throw')` view (same key, caches and remembered consents), so the consent reaches the
 * adapter, which pauses or waits for it itself (with the run's abort signal, and knowing the scope a
 * denial refused).
 */
export type AAuthConsentMode = 'interrupt' | 'wait';

export interface AAuthOptions {
  /** The agent client (`createAAuthClient`) every request of the tool call is signed with. */
  client: AAuthClient;
  /** Default `'interrupt'`. */
  consent?: AAuthConsentMode;
  /**
   * The resource (an origin, or any URL on it) the tools call. Only needed for tools whose errors lose
   * the consent on the way (MCP tools from `@langchain/mcp-adapters`): the pending consent is then looked
   * up for this resource instead of taking the client's newest one.
   */
  resource?: string | URL;
  /** The text the model reads when a consent ends without access (default: a short explanation). */
  declinedMessage?: (declined: ConsentDeclined) => string;
}

export interface ResolvedOptions {
  /** The application's client as its `'throw'` view: consents reach the adapter. */
  client: AAuthClient;
  consent: AAuthConsentMode;
  resource: string | undefined;
  declinedMessage: ((declined: ConsentDeclined) => string) | undefined;
}

const CLIENT_METHODS = ['fetch', 'pendingConsent', 'waitForConsent', 'withConsent'] as const;

export function resolveOptions(options: AAuthOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options with a client are required');
  }
  const client = options.client as unknown;
  if (
    typeof client !== 'object' ||
    client === null ||
    CLIENT_METHODS.some((method) => typeof (client as Record<string, unknown>)[method] !== 'function')
  ) {
    throw new ConfigurationError(
      'options.client must be an AAuthClient (createAAuthClient from @aauth-kit/core)',
    );
  }
  const consent = options.consent ?? 'interrupt';
  if (consent !== 'interrupt' && consent !== 'wait') {
    throw new ConfigurationError("options.consent must be 'interrupt' or 'wait'");
  }
  let resource: string | undefined;
  if (options.resource !== undefined) {
    if (!URL.canParse(String(options.resource))) {
      throw new ConfigurationError(
        `options.resource ${JSON.stringify(String(options.resource))} is not a URL`,
      );
    }
    resource = new URL(String(options.resource)).origin;
  }
  if (options.declinedMessage !== undefined && typeof options.declinedMessage !== 'function') {
    throw new ConfigurationError('options.declinedMessage must be a function');
  }
  // The adapter's mode wins over the client's: both modes need the consent raised to the tool call.
  return {
    client: options.client.withConsent('throw'),
    consent,
    resource,
    declinedMessage: options.declinedMessage,
  };
}
