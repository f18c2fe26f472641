/**
 * `withAAuth`: an MCP fetch middleware (`(next) => fetch`) that sends every request of an MCP client
 * transport (POST messages, the GET event stream, the DELETE that ends a session) through the AAuth
 * agent client, which signs it and answers the server's AAuth challenges. What the middleware adds is
 * the MCP face of consent: when the client raises ConsentRequiredError, the JSON-RPC call is answered
 * here — by default with error -32042 (URL elicitation required) carrying the consent link, so
 * `client.callTool()` rejects with `UrlElicitationRequiredError` and the retry after approval succeeds
 * (the core client polls the consent it remembered). The Person Server's `202` never reaches the MCP
 * transport, where a 202 means "notification accepted". The middleware's `consent` option decides,
 * whatever mode the application created the client with: it calls through the client's
 * `withConsent('throw')` view (or `withConsent('wait')` for `'wait'`), which shares its key, caches and
 * remembered consents.
 *
 * Works with MCP SDK v1 (`StreamableHTTPClientTransport`, `SSEClientTransport`, `applyMiddlewares`)
 * and v2 (`@modelcontextprotocol/client`): both use this `FetchLike` / `Middleware` shape. The -32042
 * answer is plain JSON-RPC on the wire, so v2 and other clients build their own error from it; only
 * the legacy HTTP+SSE transport (answers come on its event stream) gets the error thrown instead.
 */
import { type AAuthClient, ConfigurationError, type Interaction } from '@aauth-kit/core';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import {
  type ConsentMessage,
  consentElicitation,
  defaultConsentMessage,
  isConsentRequiredError,
  URL_ELICITATION_REQUIRED,
  type UrlElicitation,
} from '../elicitation.js';
import { ConsentDeclinedError } from '../errors.js';
import {
  bodyText,
  describeMessages,
  errorResponse,
  type JsonRpcId,
  parseJson,
  requestIds,
} from '../jsonrpc.js';

/** The MCP SDKs' `FetchLike` (v1 `shared/transport.js`, v2 `@modelcontextprotocol/client`). */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;
/** The MCP SDKs' fetch `Middleware`. */
export type Middleware = (next: FetchLike) => FetchLike;

/**
 * How a consent surfaces to the MCP host:
 * - `'error'` (default): the call is answered with JSON-RPC error -32042 carrying the consent link;
 *   `callTool()` rejects with `UrlElicitationRequiredError`; retry it once the person approved.
 * - `'elicit'`: the link goes to `onElicitation` (the host's URL-mode elicitation UI); on `accept` the
 *   call waits for the consent and then completes; `decline` / `cancel` reject it with ConsentDeclinedError.
 * - `'wait'`: the call waits for the consent (the link reaches the person through the client's
 *   `onInteraction`), then completes.
 * - `'throw'`: ConsentRequiredError propagates; `callTool()` rejects with it.
 */
export type ConsentHandling = 'error' | 'elicit' | 'wait' | 'throw';

/** The part of MCP's `ElicitResult` the middleware acts on. */
export interface ElicitationAnswer {
  action: 'accept' | 'decline' | 'cancel';
}

/**
 * A host's URL-mode elicitation handler. Resolve `accept` once the person agreed to open the page (MCP
 * semantics: accept means "went to the URL", not "finished"); the middleware then waits for the consent.
 */
export type UrlElicitationHandler = (
  elicitation: UrlElicitation,
  context: { interaction: Interaction; signal: AbortSignal | undefined },
) => Promise<ElicitationAnswer> | ElicitationAnswer;

export interface WithAAuthOptions {
  /** Default: `'elicit'` when `onElicitation` is set, else `'error'`. Works with a client in either consent mode. */
  consent?: ConsentHandling;
  /** The host's URL elicitation handler (`consent: 'elicit'`). */
  onElicitation?: UrlElicitationHandler;
  /** Text shown with the consent link. */
  message?: ConsentMessage;
}

/** An AAuth client, or a factory that builds one over the middleware chain's `next` fetch. */
export type AAuthClientSource = AAuthClient | ((next: FetchLike) => AAuthClient);

/** Consents one call may go through (a person-token consent, then an auth-token consent, ...). */
const MAX_CONSENT_ROUNDS = 4;

function resolveMode(options: WithAAuthOptions): ConsentHandling {
  const mode = options.consent ?? (options.onElicitation === undefined ? 'error' : 'elicit');
  if (mode !== 'error' && mode !== 'elicit' && mode !== 'wait' && mode !== 'throw') {
    throw new ConfigurationError("consent must be 'error', 'elicit', 'wait' or 'throw'");
  }
  if (mode === 'elicit' && typeof options.onElicitation !== 'function') {
    throw new ConfigurationError("consent: 'elicit' needs an onElicitation handler");
  }
  return mode;
}

/** The JSON-RPC requests in `init.body` (ids, and whether it is a batch); undefined when there are none. */
function jsonRpcRequests(init: RequestInit | undefined): { ids: JsonRpcId[]; batch: boolean } | undefined {
  const text = bodyText(init?.body);
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  if (parsed === undefined) return undefined;
  const messages = describeMessages(parsed.value);
  if (messages === undefined) return undefined;
  const ids = requestIds(messages);
  return ids.length === 0 ? undefined : { ids, batch: Array.isArray(parsed.value) };
}

/**
 * Streamable HTTP clients accept a JSON answer to their POST (`Accept: application/json, ...`); the
 * legacy HTTP+SSE transport sends no Accept and reads answers only from its event stream.
 */
function acceptsJsonAnswer(init: RequestInit | undefined): boolean {
  const accept = new Headers(init?.headers).get('accept');
  return accept !== null && /application\/json|\*\/\*/i.test(accept);
}

/**
 * The call's answer for a consent in `'error'` mode: a -32042 JSON-RPC response, or (legacy SSE) the
 * same error thrown, which the SDK's `Protocol.request` hands to the caller. Undefined: nothing to answer.
 */
function elicitationAnswer(init: RequestInit | undefined, elicitation: UrlElicitation): Response | undefined {
  const requests = jsonRpcRequests(init);
  if (requests === undefined) return undefined;
  const message = `AAuth consent required: ${elicitation.message}`;
  if (!acceptsJsonAnswer(init)) throw new UrlElicitationRequiredError([elicitation], message);
  return errorResponse(
    requests.ids,
    { code: URL_ELICITATION_REQUIRED, message, data: { elicitations: [elicitation] } },
    requests.batch,
  );
}

/** Whether `value` has the client API the middleware calls (`fetch`, and `withConsent` to pick the mode). */
function isClient(value: unknown): value is AAuthClient {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof AAuthClient, unknown>>;
  return typeof candidate.fetch === 'function' && typeof candidate.withConsent === 'function';
}

/** MCP fetch middleware signing every request with the AAuth client and mapping consent (see above). */
export function withAAuth(client: AAuthClientSource, options: WithAAuthOptions = {}): Middleware {
  if (typeof client !== 'function' && !isClient(client)) {
    throw new ConfigurationError('withAAuth needs an AAuth client (createAAuthClient) or a factory');
  }
  const mode = resolveMode(options);
  const message = options.message ?? defaultConsentMessage;
  const onElicitation = options.onElicitation;

  return (next: FetchLike): FetchLike => {
    const created = typeof client === 'function' ? client(next) : client;
    if (!isClient(created)) {
      throw new ConfigurationError('the AAuth client factory did not return a client');
    }
    // The middleware's mode wins over the client's: the pause modes need the consent raised here, not
    // waited out inside fetch. The view shares the client's key, caches and remembered consents.
    const aauth = created.withConsent(mode === 'wait' ? 'wait' : 'throw');
    // One host prompt per pending consent, however many calls wait on it.
    const prompts = new Map<string, Promise<ElicitationAnswer>>();

    function ask(elicitation: UrlElicitation, interaction: Interaction, signal: AbortSignal | undefined) {
      let prompt = prompts.get(elicitation.elicitationId);
      if (prompt === undefined) {
        prompt = Promise.resolve().then(() => onElicitation!(elicitation, { interaction, signal }));
        prompts.set(elicitation.elicitationId, prompt);
        const forget = (): void => {
          prompts.delete(elicitation.elicitationId);
        };
        prompt.then(forget, forget);
      }
      return prompt;
    }

    return async (url: string | URL, init?: RequestInit): Promise<Response> => {
      const signal = init?.signal ?? undefined;
      for (let round = 0; ; round++) {
        try {
          return await aauth.fetch(url, init);
        } catch (error) {
          if (!isConsentRequiredError(error) || mode === 'throw' || round >= MAX_CONSENT_ROUNDS) throw error;
          const elicitation = consentElicitation(error.interaction, message);
          if (mode === 'error') {
            // An approval has no page to send the person to, and a notification no id to answer.
            const answer = elicitation === undefined ? undefined : elicitationAnswer(init, elicitation);
            if (answer === undefined) throw error;
            return answer;
          }
          if (mode === 'elicit' && elicitation !== undefined) {
            const answer = await ask(elicitation, error.interaction, signal);
            if (answer?.action !== 'accept') {
              throw new ConsentDeclinedError(
                answer?.action === 'decline' ? 'decline' : 'cancel',
                elicitation.url,
              );
            }
          }
          await aauth.waitForConsent(error.pending, signal === undefined ? {} : { signal });
        }
      }
    };
  };
}
