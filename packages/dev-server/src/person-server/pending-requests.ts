/**
 * Deferred requests of the Person Server (P11 #deferred-responses): creation with an unguessable pending
 * id and an interaction code, the state machine (clarifying → pending → interacting → approved / denied /
 * failed / cancelled, plus expiry), and change notification for long polls and the simulated user.
 *
 * State lives in the `PendingStore`; transitions run under a per-request mutex so a poll and a decision
 * cannot interleave between a read and a write. Notifications are in-process only: with a shared store a
 * long poll on another process simply waits out its `Prefer: wait`.
 */
import { canonicalizeInteractionCode, generateInteractionCode } from '@aauth-kit/core';
import type { PendingRecord, PendingStore } from '../store/types.js';
import { KeyedMutex } from '../util/keyed-mutex.js';
import { randomId } from '../util/random.js';

/** States in which a request still waits for someone (the agent or the person). */
export const OPEN_STATES: ReadonlySet<PendingRecord['state']> = new Set([
  'clarifying',
  'pending',
  'interacting',
]);
/** States in which the person may decide. */
const AWAITING_PERSON: ReadonlySet<PendingRecord['state']> = new Set(['pending', 'interacting']);

export type NewPendingRequest = Omit<
  PendingRecord,
  'id' | 'state' | 'delivered' | 'code' | 'codeKey' | 'createdAt' | 'expiresAt'
> & { question?: string };

/** Mints the 200 body of an approved request; throws when the request can no longer be honoured. */
export type PendingCompleter = (record: PendingRecord) => Promise<Record<string, unknown>>;

export interface PendingRequestsOptions {
  store: PendingStore;
  now: () => number;
  ttlSeconds: number;
  complete: PendingCompleter;
  /** Called whenever a request starts waiting for the person (for the simulated user). */
  onAwaitingPerson?: (record: PendingRecord) => void;
  /** Unexpected failures (minting), reported before the request ends with `server_error`. */
  onError?: (error: unknown) => void;
}

type Listener = () => void;

export class PendingRequests {
  readonly #options: PendingRequestsOptions;
  readonly #mutex = new KeyedMutex();
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(options: PendingRequestsOptions) {
    this.#options = options;
  }

  get store(): PendingStore {
    return this.#options.store;
  }

  /** Creates a request: `clarifying` when a question is given, else waiting for the person. */
  async create(input: NewPendingRequest): Promise<PendingRecord> {
    const now = this.#options.now();
    const { question, ...rest } = input;
    const code = generateInteractionCode();
    const record: PendingRecord = {
      ...rest,
      id: randomId(),
      state: question === undefined ? 'pending' : 'clarifying',
      delivered: false,
      code,
      codeKey: canonicalizeInteractionCode(code),
      createdAt: now,
      expiresAt: now + this.#options.ttlSeconds,
    };
    if (question !== undefined) record.clarification = { question };
    await this.#options.store.put(record);
    if (record.state === 'pending') this.#options.onAwaitingPerson?.(record);
    return record;
  }

  /** True when the request's TTL has passed while it was still open. */
  isExpired(record: PendingRecord): boolean {
    return OPEN_STATES.has(record.state) && this.#options.now() >= record.expiresAt;
  }

  /** Whether the person may decide on it now. */
  awaitsPerson(record: PendingRecord): boolean {
    return AWAITING_PERSON.has(record.state) && !this.isExpired(record);
  }

  get(id: string): Promise<PendingRecord | undefined> {
    return this.#options.store.get(id);
  }

  /**
   * Runs `mutate` on the current record under the request's lock and stores what it returns (when it
   * returns a record). Listeners are told about every stored change.
   */
  async update<T>(
    id: string,
    mutate: (record: PendingRecord | undefined) => Promise<{ record?: PendingRecord; result: T }>,
  ): Promise<T> {
    const { changed, result } = await this.#mutex.run(id, async () => {
      const current = await this.#options.store.get(id);
      const outcome = await mutate(current);
      if (outcome.record) await this.#options.store.put(outcome.record);
      return { changed: outcome.record, result: outcome.result };
    });
    if (changed) this.#notify(changed.id);
    return result;
  }

  /** The person approves: the result is minted now; an agent credential that ran out fails the request. */
  approve(id: string): Promise<PendingRecord | undefined> {
    return this.update(id, async (record) => {
      if (!record || !this.awaitsPerson(record)) return { result: undefined };
      const next = { ...record };
      if (this.#options.now() >= record.issue.expCap) {
        // The agent or presented token expired while the person was deciding: nothing can be issued.
        next.state = 'failed';
        next.failure = 'expired';
        return { record: next, result: next };
      }
      try {
        next.result = await this.#options.complete(record);
        next.state = 'approved';
      } catch (error) {
        next.state = 'failed';
        next.failure = 'server_error';
        this.#options.onError?.(error);
      }
      return { record: next, result: next };
    });
  }

  /** The person denies (also possible while the agent is being asked a clarification). */
  deny(id: string): Promise<PendingRecord | undefined> {
    return this.update(id, async (record) => {
      if (!record || !OPEN_STATES.has(record.state) || this.isExpired(record)) return { result: undefined };
      const next: PendingRecord = { ...record, state: 'denied' };
      return { record: next, result: next };
    });
  }

  /** The consent page was opened: binds the code to that browser session and reports `interacting`. */
  markInteracting(id: string, sessionId: string): Promise<PendingRecord | undefined> {
    return this.update(id, async (record) => {
      if (!record || !this.awaitsPerson(record)) return { result: undefined };
      if (record.sessionId !== undefined && record.sessionId !== sessionId) return { result: undefined };
      if (record.sessionId === sessionId && record.state === 'interacting') return { result: record };
      const next: PendingRecord = { ...record, state: 'interacting', sessionId };
      return { record: next, result: next };
    });
  }

  /** Ends every open request of `person` that waits for the person with `invalid_code` (code guessing). */
  async failAwaiting(person: string, failure: string): Promise<number> {
    let failed = 0;
    for (const candidate of await this.#options.store.list()) {
      if (candidate.person !== person || !OPEN_STATES.has(candidate.state)) continue;
      const done = await this.update(candidate.id, async (record) => {
        if (!record || !OPEN_STATES.has(record.state)) return { result: false };
        return { record: { ...record, state: 'failed', failure }, result: true };
      });
      if (done) failed += 1;
    }
    return failed;
  }

  /** Notifies `onAwaitingPerson` (after a clarification answer moved a request to the person). */
  announce(record: PendingRecord): void {
    this.#options.onAwaitingPerson?.(record);
  }

  /**
   * Resolves when request `since.id` changes from the `since` snapshot, after `timeoutMs`, or when
   * `signal` aborts, whichever is first. A change that landed just before the call counts too.
   */
  waitForChange(since: PendingRecord, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    const id = since.id;
    return new Promise<void>((resolve) => {
      const listeners = this.#listeners.get(id) ?? new Set<Listener>();
      this.#listeners.set(id, listeners);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        listeners.delete(done);
        if (listeners.size === 0 && this.#listeners.get(id) === listeners) this.#listeners.delete(id);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      listeners.add(done);
      // Registered first, then compared: no change can slip between the snapshot and the wait.
      void this.#options.store.get(id).then(
        (current) => {
          if (!current || current.state !== since.state || current.delivered !== since.delivered) done();
        },
        () => done(),
      );
    });
  }

  /** Wakes every long poll (server shutdown). */
  wakeAll(): void {
    for (const id of [...this.#listeners.keys()]) this.#notify(id);
  }

  #notify(id: string): void {
    const listeners = this.#listeners.get(id);
    if (!listeners) return;
    for (const listener of [...listeners]) listener();
  }
}
