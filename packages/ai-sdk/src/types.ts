/**
 * Public types of @aauth-kit/ai-sdk. They are structural on purpose: nothing here imports `ai`, so the
 * same declarations fit AI SDK 6 (`ToolExecutionOptions`, `needsApproval`) and AI SDK 7
 * (`ToolExecutionOptions<CONTEXT>`, `toolApproval`), whichever the application installed.
 */
import type { AAuthClient } from '@aauth-kit/core';

/** A fetch that signs every request with the agent's key and runs the AAuth flow (a drop-in `fetch`). */
export type AAuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * What a tool call does when the person has to consent first:
 * - `wait`: block and poll until the person decides (the URL goes to `onConsent` / the client's `onInteraction`);
 * - `stream`: `execute` becomes an async generator: a preliminary result carries the consent URL, the
 *   final result follows after approval (the client polls meanwhile);
 * - `approval`: the call surfaces as a `tool-approval-request`; answering it with a `tool-approval-response`
 *   and calling `generateText` / `streamText` again runs the tool, which polls the remembered consent.
 */
export type AAuthConsentMode = 'wait' | 'stream' | 'approval';

/**
 * The consent a tool call is waiting for, as a JSON value: the preliminary result in `stream` mode, the
 * payload of `onConsent`, and what `aauthConsentFor()` returns for an approval request.
 */
export interface AAuthConsentRequired {
  type: 'aauth.consent_required';
  /** One sentence for the person (and the model) saying what to do. */
  message: string;
  /** `interaction`: the person visits a URL; `approval`: someone approves out of band (no URL). */
  kind: 'interaction' | 'approval';
  /** `{url}?code={code}`: the link to show. Absent for an `approval`. */
  interactionUrl?: string;
  /** The raw `url` and `code`, for "visit this page and enter the code" screens. */
  url?: string;
  code?: string;
  /** Resource server identifier (origin) the consent is for. */
  resource: string;
  /** Scopes requested (empty when the consent is for a person token). */
  scope: string[];
  /** Epoch ms after which the client stops waiting. */
  expiresAt: number;
  /** Id of the client's pending consent (`client.pendingConsent()?.id`). */
  pendingId: string;
}

/** The options every AI SDK version hands to `execute` (6: `experimental_context`, 7: `context`). */
export interface ToolCallOptionsLike {
  toolCallId: string;
  messages: readonly unknown[];
  abortSignal?: AbortSignal;
  context?: unknown;
  experimental_context?: unknown;
}

/** What an `aauthTool` `execute` receives: the SDK's options plus the signed fetch for this call. */
export interface AAuthToolExecutionOptions extends ToolCallOptionsLike {
  /** Signs with the agent key, answers AAuth challenges, and follows `abortSignal`. */
  fetch: AAuthFetch;
}

/** Options shared by `aauthTool`, `withAAuth` and `withAAuthTools`. */
export interface AAuthToolOptions {
  /**
   * The agent client (`createAAuthClient`), in either consent mode: tool calls go through its
   * `withConsent('throw')` view (same key, caches and remembered consents), so `mode` decides.
   */
  client: AAuthClient;
  /** Default `'wait'`. */
  mode?: AAuthConsentMode;
  /** Called once for every consent a tool call runs into, in every mode (show the URL here). */
  onConsent?: (consent: AAuthConsentRequired, call: { toolCallId: string }) => void | PromiseLike<void>;
  /** Bound on waiting for one consent, in ms (default: the client's `consentTimeoutMs`). */
  consentTimeoutMs?: number;
  /** Consents one tool call may run into before it gives up (default 3: person token, auth token, step-up). */
  maxConsents?: number;
}

/** The input type a schema validates to: Standard Schema (zod 3.24+/4, valibot, arktype) or `jsonSchema<T>()`. */
export type InferSchemaOutput<SCHEMA> = SCHEMA extends {
  readonly '~standard': { readonly types?: infer TYPES };
}
  ? NonNullable<TYPES> extends { readonly output: infer OUTPUT }
    ? OUTPUT
    : unknown
  : SCHEMA extends () => { readonly _type: infer LAZY }
    ? LAZY
    : SCHEMA extends { readonly _type: infer TYPE }
      ? TYPE
      : unknown;

/** The result shapes the AI SDK accepts from `execute`. */
export type ToolResultLike<OUTPUT> = OUTPUT | PromiseLike<OUTPUT> | AsyncIterable<OUTPUT>;

/** The approval decision of AI SDK 7's `toolApproval` (`ToolApprovalStatus`). */
export type ToolApprovalStatusLike =
  | undefined
  | 'not-applicable'
  | 'approved'
  | 'denied'
  | 'user-approval'
  | { type: 'not-applicable' }
  | { type: 'approved' | 'denied' | 'user-approval'; reason?: string };

/** What AI SDK 7 passes to a generic `toolApproval` function. */
export interface ToolApprovalRequestLike {
  toolCall: { toolCallId: string; toolName: string; input: unknown };
  tools: Readonly<Record<string, unknown>> | undefined;
  messages: readonly unknown[];
  toolsContext?: unknown;
  runtimeContext?: unknown;
}
