/** Options of `startDevServer` and their resolution to a complete, validated configuration. */
import type { ResourceRequestRecord } from './sample-resource/sample-resource.js';
import type { DevServerStore } from './store/types.js';

/**
 * A rule deciding what happens to an auth token request. Rules are tried in order; the first whose
 * `resource` and `scope` match a requested scope decides for that scope, and the strictest decision over
 * all requested scopes wins (`deny` > `clarify` > `consent` > `auto-approve`).
 */
export interface ConsentPolicy {
  /** Resource server identifier; absent = any resource. */
  resource?: string;
  /** One scope token; absent = any scope (and requests without scope). */
  scope?: string;
  decision: 'auto-approve' | 'consent' | 'deny' | 'clarify';
  /** For `clarify`: the question the Person Server asks the agent (Markdown, shown as-is to the agent). */
  question?: string;
}

export interface DevServerPerson {
  /** Internal person id, input of the directed `sub` derivation. */
  id: string;
  /** Display name on the consent page. */
  name: string;
}

export interface DevServerOptions {
  /**
   * Base port. 0 (default) = each role on its own ephemeral port; N = resource on N, Person Server on
   * N + 1, Agent Provider on N + 2. `ports` overrides single roles.
   */
  port?: number;
  ports?: { resource?: number; personServer?: number; agentProvider?: number };
  /** Listen address (default `127.0.0.1`). */
  host?: string;
  /**
   * The simulated person approves every request that would ask for consent, at once (person-token first
   * use and auth tokens). `deny` and `clarify` policies still apply. For tests and CI.
   */
  autoApprove?: boolean;
  /**
   * Server identifiers of the roles (default `http://localhost:<port>`). An identifier may differ from
   * the listen address (e.g. `https://ps.example` served from 127.0.0.1): `@authority`, metadata and
   * pending URLs are then computed from the identifier, never from the Host header.
   */
  identifiers?: { agentProvider?: string; personServer?: string; resource?: string };
  /** Auth token policies, tried before the built-in ones (see README). */
  policies?: readonly ConsentPolicy[];
  /** Person token at a resource the agent has not used yet: issue at once (`auto`, default) or ask. */
  personTokenConsent?: 'auto' | 'consent';
  /** Where agents, issued tokens, pending requests and consent decisions live (default in memory). */
  store?: DevServerStore;
  /** How long a deferred request waits for a decision (default 600 s); then polls answer 408. */
  pendingTtlSeconds?: number;
  /** `Retry-After` of 202 responses (default 1 s); polling faster answers 429 `slow_down`. 0 disables. */
  pollIntervalSeconds?: number;
  /** Agent token lifetime (default 3600 s, at most 24 h). */
  agentTokenLifetimeSeconds?: number;
  /**
   * fetch used for outbound discovery (metadata + JWKS of agent providers, resources, person servers).
   * The dev server's own identifiers are always routed to its own listeners first.
   */
  fetch?: typeof fetch;
  /** Extra host names discovery may reach although they resolve to non-public addresses. */
  allowHosts?: readonly string[];
  /** Clock in Unix seconds (default the system clock). Applies to tokens, signatures and pending TTLs. */
  now?: () => number;
  /** The dev person (default `{ id: 'dev-person', name: 'Dev Person' }`). */
  person?: DevServerPerson;
  /** Unexpected server faults (answered 500 `server_error`); default: logged to stderr. */
  onError?: (error: unknown) => void;
  /**
   * Called after the sample resource answered a request to its documents API, with what it verified
   * (the identity) or why it refused or challenged the request. A throwing observer goes to `onError`.
   */
  onResourceRequest?: (record: ResourceRequestRecord) => void;
  /** Secret for directed subject identifiers and CSRF tokens (default: random per start, ≥ 16 bytes). */
  secret?: string | Uint8Array;
}
