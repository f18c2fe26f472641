/** The default in-memory `DevServerStore`. Records are copied in and out so callers cannot mutate state. */
import type {
  AgentRecord,
  AgentStore,
  ConsentRecord,
  ConsentStore,
  DevServerStore,
  IssuedTokenRecord,
  IssuedTokenStore,
  PendingRecord,
  PendingStore,
} from './types.js';

const copy = <T>(value: T): T => structuredClone(value);

export interface MemoryStoreOptions {
  /** Unix seconds; used to drop expired records. Default: the system clock. */
  now?: () => number;
  /** Seconds a finished pending request is kept after it expires (default 3600). */
  pendingRetentionSeconds?: number;
}

class MemoryAgentStore implements AgentStore {
  readonly #byThumbprint = new Map<string, AgentRecord>();
  readonly #byId = new Map<string, AgentRecord>();

  async getByThumbprint(thumbprint: string): Promise<AgentRecord | undefined> {
    const record = this.#byThumbprint.get(thumbprint);
    return record && copy(record);
  }
  async getById(agentId: string): Promise<AgentRecord | undefined> {
    const record = this.#byId.get(agentId);
    return record && copy(record);
  }
  async put(record: AgentRecord): Promise<void> {
    const previous = this.#byThumbprint.get(record.thumbprint);
    if (previous) this.#byId.delete(previous.agentId);
    const stored = copy(record);
    this.#byThumbprint.set(record.thumbprint, stored);
    this.#byId.set(record.agentId, stored);
  }
}

class MemoryIssuedTokenStore implements IssuedTokenStore {
  readonly #records = new Map<string, IssuedTokenRecord>();
  readonly #now: () => number;
  constructor(now: () => number) {
    this.#now = now;
  }
  async put(record: IssuedTokenRecord): Promise<void> {
    this.#prune();
    this.#records.set(record.jti, copy(record));
  }
  async get(jti: string): Promise<IssuedTokenRecord | undefined> {
    const record = this.#records.get(jti);
    return record && copy(record);
  }
  #prune(): void {
    const now = this.#now();
    for (const [jti, record] of this.#records) if (record.exp < now) this.#records.delete(jti);
  }
}

class MemoryPendingStore implements PendingStore {
  readonly #records = new Map<string, PendingRecord>();
  readonly #byCode = new Map<string, string>();
  readonly #now: () => number;
  readonly #retention: number;
  constructor(now: () => number, retention: number) {
    this.#now = now;
    this.#retention = retention;
  }
  async put(record: PendingRecord): Promise<void> {
    this.#prune();
    this.#records.set(record.id, copy(record));
    this.#byCode.set(record.codeKey, record.id);
  }
  async get(id: string): Promise<PendingRecord | undefined> {
    const record = this.#records.get(id);
    return record && copy(record);
  }
  async getByCode(codeKey: string): Promise<PendingRecord | undefined> {
    const id = this.#byCode.get(codeKey);
    return id === undefined ? undefined : this.get(id);
  }
  async list(): Promise<PendingRecord[]> {
    return [...this.#records.values()].map(copy);
  }
  async delete(id: string): Promise<void> {
    const record = this.#records.get(id);
    if (record) this.#byCode.delete(record.codeKey);
    this.#records.delete(id);
  }
  #prune(): void {
    const horizon = this.#now() - this.#retention;
    for (const [id, record] of this.#records) {
      if (record.expiresAt < horizon) {
        this.#records.delete(id);
        this.#byCode.delete(record.codeKey);
      }
    }
  }
}

class MemoryConsentStore implements ConsentStore {
  readonly #records = new Map<string, ConsentRecord>();
  static #key(person: string, agentId: string, resource: string): string {
    return `${person}\u0000${agentId}\u0000${resource}`;
  }
  async get(person: string, agentId: string, resource: string): Promise<ConsentRecord | undefined> {
    const record = this.#records.get(MemoryConsentStore.#key(person, agentId, resource));
    return record && copy(record);
  }
  async put(record: ConsentRecord): Promise<void> {
    this.#records.set(MemoryConsentStore.#key(record.person, record.agentId, record.resource), copy(record));
  }
  async list(): Promise<ConsentRecord[]> {
    return [...this.#records.values()].map(copy);
  }
}

/** A fresh in-memory store (the default when `startDevServer` gets no `store`). */
export function createMemoryStore(options: MemoryStoreOptions = {}): DevServerStore {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    agents: new MemoryAgentStore(),
    issuedTokens: new MemoryIssuedTokenStore(now),
    pending: new MemoryPendingStore(now, options.pendingRetentionSeconds ?? 3600),
    consents: new MemoryConsentStore(),
  };
}
