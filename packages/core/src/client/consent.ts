/**
 * Pending consents: the client's record of each deferred request it is waiting on, the registry that
 * lets a re-run of the same call find it again (keyed by what the consent is for), and the dedupe of
 * `onInteraction` (once per distinct url + code).
 */

import type { ClarificationAsk } from './answers.js';
import { PollSchedule, type PollScheduleOptions } from './poll-schedule.js';
import type { Credential } from './signing.js';
import type { ConsentServer, Interaction, PendingConsent, StoredToken } from './types.js';

/** The non-202 answer that ended a deferred request, body already read. */
export interface FinalAnswer {
  response: Response;
  body: Uint8Array;
  /** The URL that gave this answer (the polled pending URL): a relative `Location` in it resolves here (RFC 9110 §10.2.2). */
  url: URL;
}

/** What a completed consent produced. */
export interface Completion {
  /** The token ('' for a resource-held call). */
  token: string;
  stored?: StoredToken;
  /** For a resource-held call: its final response, replayed to the re-run of the call. */
  final?: FinalAnswer;
}

export interface PendingRecord {
  readonly handle: PendingConsent;
  readonly server: ConsentServer;
  readonly registryKey: string;
  pollUrl: URL;
  readonly schedule: PollSchedule;
  interacting: boolean;
  interaction: Interaction | undefined;
  clarification: ClarificationAsk | undefined;
  /** Clarification questions already answered (never asked twice). */
  readonly answered: Set<string>;
  /** The token polls present in Signature-Key. */
  credential(signal: AbortSignal | undefined): Promise<Credential>;
  /** Turns the final answer into the consent's result (caches tokens). */
  complete(final: FinalAnswer): Promise<Completion>;
  /** Set once completed (resource-held calls keep it until the re-run picks it up). */
  completion?: Completion;
}

/** Process-unique id for a pending handle (never sent anywhere). */
export function newPendingId(): string {
  return `pc_${crypto.randomUUID()}`;
}

export interface NewRecordInit {
  kind: PendingConsent['kind'];
  server: ConsentServer;
  registryKey: string;
  resource: string;
  scope: readonly string[];
  mission: string | undefined;
  pollUrl: URL;
  retryAfterMs: number | undefined;
  now: number;
  timeoutMs: number;
  pollOptions: PollScheduleOptions;
  credential: PendingRecord['credential'];
  complete: PendingRecord['complete'];
  /** Restoring a handle created earlier (or by another client instance). */
  id?: string;
  createdAt?: number;
  expiresAt?: number;
}

export function createRecord(init: NewRecordInit): PendingRecord {
  const createdAt = init.createdAt ?? init.now;
  const handle: PendingConsent = {
    id: init.id ?? newPendingId(),
    kind: init.kind,
    resource: init.resource,
    scope: [...init.scope],
    pollUrl: init.pollUrl.href,
    interaction: undefined,
    createdAt,
    expiresAt: init.expiresAt ?? createdAt + init.timeoutMs,
    status: 'pending',
    ...(init.mission === undefined ? {} : { mission: init.mission }),
  };
  return {
    handle,
    server: init.server,
    registryKey: init.registryKey,
    pollUrl: init.pollUrl,
    // A fresh 202 counts as the last poll; a restored handle has no answer that recent.
    schedule: new PollSchedule(init.retryAfterMs, {
      ...init.pollOptions,
      ...(init.id === undefined ? { startedAt: init.now } : {}),
    }),
    interacting: false,
    interaction: undefined,
    clarification: undefined,
    answered: new Set(),
    credential: init.credential,
    complete: init.complete,
  };
}

/** `{url}?code={code}` (P11 #user-interaction). */
export function interactionLink(url: string, code: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}code=${encodeURIComponent(code)}`;
}

/** Bounded set of announced (url, code) pairs. */
class SeenSet {
  readonly #items = new Set<string>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  /** True the first time `key` is added. */
  add(key: string): boolean {
    if (this.#items.has(key)) return false;
    this.#items.add(key);
    if (this.#items.size > this.#max) {
      const oldest = this.#items.values().next();
      if (oldest.done !== true) this.#items.delete(oldest.value);
    }
    return true;
  }
  clear(): void {
    this.#items.clear();
  }
}

export class ConsentRegistry {
  readonly #byKey = new Map<string, PendingRecord>();
  readonly #byId = new Map<string, PendingRecord>();
  readonly #announced = new SeenSet(1000);

  /** The live record for `key`; an expired one (collected or not) is dropped. */
  get(key: string, now: number): PendingRecord | undefined {
    const record = this.#byKey.get(key);
    if (record === undefined) return undefined;
    if (now >= record.handle.expiresAt) {
      this.remove(record);
      return undefined;
    }
    return record;
  }

  byId(id: string): PendingRecord | undefined {
    return this.#byId.get(id);
  }

  add(record: PendingRecord): void {
    // Records are otherwise dropped only when their own key is looked up again: sweep the expired ones
    // (abandoned consents, held calls never re-run) so a long-running agent does not accumulate them.
    const now = record.handle.createdAt;
    for (const stale of [...this.#byId.values()]) if (now >= stale.handle.expiresAt) this.remove(stale);
    const previous = this.#byKey.get(record.registryKey);
    if (previous !== undefined && previous !== record) this.#byId.delete(previous.handle.id);
    this.#byKey.set(record.registryKey, record);
    this.#byId.set(record.handle.id, record);
  }

  remove(record: PendingRecord): void {
    if (this.#byKey.get(record.registryKey) === record) this.#byKey.delete(record.registryKey);
    this.#byId.delete(record.handle.id);
  }

  /** Number of resource-held calls waiting (lets the hot path skip fingerprinting when zero). */
  resourceHeldCount(): number {
    let count = 0;
    for (const record of this.#byId.values()) if (record.handle.kind === 'resource') count++;
    return count;
  }

  /** The newest live pending consent, optionally for one resource origin. */
  latest(resource: string | undefined, now: number): PendingConsent | undefined {
    let best: PendingRecord | undefined;
    for (const record of this.#byId.values()) {
      if (record.completion !== undefined || now >= record.handle.expiresAt) continue;
      if (resource !== undefined && record.handle.resource !== resource) continue;
      if (best === undefined || record.handle.createdAt >= best.handle.createdAt) best = record;
    }
    return best?.handle;
  }

  /** True the first time this interaction (url + code, or this approval) is seen. */
  firstAnnouncement(interaction: Interaction): boolean {
    const key =
      interaction.kind === 'interaction'
        ? `i\u0000${interaction.url}\u0000${interaction.code}`
        : `a\u0000${interaction.pendingId}`;
    return this.#announced.add(key);
  }

  clear(): void {
    this.#byKey.clear();
    this.#byId.clear();
    this.#announced.clear();
  }
}
