/**
 * What the dev server remembers, behind async interfaces so a persistent or shared store (SQLite, Redis)
 * can be plugged in later. Records are plain JSON-serializable data. Times are Unix seconds.
 */
import type { PublicJwk } from '@aauth-kit/core';

/** An agent key registered at the Agent Provider. */
export interface AgentRecord {
  /** `aauth:<local>@<agent provider host>`. */
  agentId: string;
  local: string;
  /** RFC 7638 thumbprint of `publicJwk`. */
  thumbprint: string;
  publicJwk: PublicJwk;
  name?: string;
  registeredAt: number;
}

export interface AgentStore {
  getByThumbprint(thumbprint: string): Promise<AgentRecord | undefined>;
  getById(agentId: string): Promise<AgentRecord | undefined>;
  put(record: AgentRecord): Promise<void>;
}

/**
 * A person or auth token the Person Server issued, kept until `exp`: it lets the auth token endpoint
 * resolve `presented_jti` for clients that omit `presented_token`, and is what revocation would need.
 */
export interface IssuedTokenRecord {
  jti: string;
  kind: 'person' | 'auth';
  iss: string;
  aud: string;
  sub: string;
  /** Thumbprint of the agent key in `cnf.jwk`. */
  agentJkt: string;
  exp: number;
  mission_s256?: string;
  tenant?: string;
}

export interface IssuedTokenStore {
  put(record: IssuedTokenRecord): Promise<void>;
  get(jti: string): Promise<IssuedTokenRecord | undefined>;
}

export type PendingKind = 'person-token' | 'auth-token';

/**
 * `clarifying`: waiting for the agent's answer; `pending`: waiting for the person; `interacting`: the
 * person opened the consent page; then the terminal states.
 */
export type PendingState =
  | 'clarifying'
  | 'pending'
  | 'interacting'
  | 'approved'
  | 'denied'
  | 'failed'
  | 'cancelled';

/** What the Person Server mints when a pending request is approved. */
export interface PendingIssue {
  /** The person's directed identifier at the resource. */
  sub: string;
  /** The agent key (`cnf.jwk`) and its RFC 7638 thumbprint. */
  cnfJwk: PublicJwk;
  cnfThumbprint: string;
  /** Latest allowed `exp` (agent token or presented token). */
  expCap: number;
  scope?: string;
  mission_s256?: string;
  tenant?: string;
}

export interface PendingRecord {
  /** The unguessable id in the pending URL. */
  id: string;
  kind: PendingKind;
  state: PendingState;
  /** A terminal answer was delivered to the agent: every later request answers 410. */
  delivered: boolean;
  /** Only this key may poll, answer or cancel (P11 #pending-url-security, Q17). */
  agentJkt: string;
  agentId: string;
  /** The Agent Provider that issued the agent token. */
  agentProvider: string;
  person: string;
  /** The resource server identifier. */
  resource: string;
  /** Resource-asserted presentation data, from its metadata. */
  resourceName?: string;
  resourceDescription?: string;
  scopeDescriptions?: Record<string, string>;
  /** Agent-asserted data (shown attributed to the agent). */
  justification?: string;
  clarification?: { question: string; answer?: string };
  capabilities: string[];
  /** Interaction code as displayed, and its canonical form used for lookups. */
  code: string;
  codeKey: string;
  /** The browser session that opened the consent page first (the code is single use). */
  sessionId?: string;
  issue: PendingIssue;
  /** The 200 body, set when approved. */
  result?: Record<string, unknown>;
  /** Why a `failed` request failed (`invalid_code`). */
  failure?: string;
  createdAt: number;
  expiresAt: number;
  /** Earliest time (ms) the next poll is welcome (`slow_down` before that). */
  nextPollAtMs?: number;
}

export interface PendingStore {
  put(record: PendingRecord): Promise<void>;
  get(id: string): Promise<PendingRecord | undefined>;
  /** The request whose canonical interaction code is `codeKey`. */
  getByCode(codeKey: string): Promise<PendingRecord | undefined>;
  list(): Promise<PendingRecord[]>;
  delete(id: string): Promise<void>;
}

/** A remembered first-use decision: may this agent act as the person at this resource? */
export interface ConsentRecord {
  person: string;
  agentId: string;
  resource: string;
  decision: 'approved' | 'denied';
  decidedAt: number;
}

export interface ConsentStore {
  get(person: string, agentId: string, resource: string): Promise<ConsentRecord | undefined>;
  put(record: ConsentRecord): Promise<void>;
  list(): Promise<ConsentRecord[]>;
}

export interface DevServerStore {
  agents: AgentStore;
  issuedTokens: IssuedTokenStore;
  pending: PendingStore;
  consents: ConsentStore;
}
