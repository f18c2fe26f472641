/**
 * The scripted person for tests and CI: sees every request that starts waiting for the person, and
 * approves or denies it over the Person Server's own channel (P11 #interaction-code-format: the host of
 * the interaction URL may complete it without the page being visited), which consumes the code.
 */
import { canonicalizeInteractionCode, InvalidArgumentError } from '@aauth-kit/core';
import { PS_PATH } from './constants.js';
import { InteractionWaitError, UnknownInteractionError } from './errors.js';
import type { PendingRequests } from './person-server/pending-requests.js';
import type { PendingKind, PendingRecord } from './store/types.js';

/** A request waiting for the person's decision. */
export interface PendingInteraction {
  kind: PendingKind;
  /** The interaction code (display form). */
  code: string;
  /** The interaction URL with the code: what the agent shows the person. */
  url: string;
  /** The agent's pending URL. */
  pendingUrl: string;
  agentId: string;
  resource: string;
  resourceName?: string;
  scope?: string;
  justification?: string;
  clarification?: { question: string; answer?: string };
  /** Unix seconds. */
  createdAt: number;
  expiresAt: number;
}

export interface NextInteractionOptions {
  /** Give up after this many milliseconds (default: wait until the server closes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SimulatedUser {
  /** Approve the request named by its code, its interaction URL or its pending URL. */
  approve(codeOrUrl: string): Promise<void>;
  /** Deny the request named by its code, its interaction URL or its pending URL. */
  deny(codeOrUrl: string): Promise<void>;
  /** The next request waiting for the person (oldest first; each is handed out once). */
  next(options?: NextInteractionOptions): Promise<PendingInteraction>;
}

export interface SimulatedUserHandle extends SimulatedUser {
  /** Called by the Person Server when a request starts waiting for the person. */
  enqueue(record: PendingRecord): void;
  /** Rejects every waiting `next()` (server shutdown). */
  close(): void;
}

interface Waiter {
  resolve(interaction: PendingInteraction): void;
  reject(error: unknown): void;
}

export function createSimulatedUser(options: {
  pending: PendingRequests;
  interactionUrl: string;
  personServer: string;
  person: string;
}): SimulatedUserHandle {
  const { pending } = options;
  const queue: string[] = [];
  const waiters: Waiter[] = [];
  let closed = false;

  function describe(record: PendingRecord): PendingInteraction {
    const interaction: PendingInteraction = {
      kind: record.kind,
      code: record.code,
      url: `${options.interactionUrl}?code=${encodeURIComponent(record.code)}`,
      pendingUrl: `${options.personServer}${PS_PATH.pendingPrefix}${record.id}`,
      agentId: record.agentId,
      resource: record.resource,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
    };
    if (record.resourceName !== undefined) interaction.resourceName = record.resourceName;
    if (record.issue.scope !== undefined) interaction.scope = record.issue.scope;
    if (record.justification !== undefined) interaction.justification = record.justification;
    if (record.clarification !== undefined) interaction.clarification = { ...record.clarification };
    return interaction;
  }

  /** The pending request a code, interaction URL or pending URL names. */
  async function find(codeOrUrl: string): Promise<PendingRecord | undefined> {
    let code = codeOrUrl;
    if (codeOrUrl.includes('://')) {
      let url: URL;
      try {
        url = new URL(codeOrUrl);
      } catch {
        return undefined;
      }
      const fromQuery = url.searchParams.get('code');
      if (fromQuery !== null) code = fromQuery;
      else if (url.pathname.startsWith(PS_PATH.pendingPrefix)) {
        const record = await pending.get(url.pathname.slice(PS_PATH.pendingPrefix.length));
        return record?.person === options.person ? record : undefined;
      } else return undefined;
    }
    let key: string;
    try {
      key = canonicalizeInteractionCode(code);
    } catch (error) {
      if (error instanceof InvalidArgumentError) return undefined;
      throw error;
    }
    const record = await pending.store.getByCode(key);
    return record?.person === options.person ? record : undefined;
  }

  async function decide(codeOrUrl: string, decision: 'approve' | 'deny'): Promise<void> {
    const record = await find(codeOrUrl);
    if (!record) throw new UnknownInteractionError(codeOrUrl, 'no pending request has this code or URL');
    if (decision === 'approve' && record.state === 'clarifying') {
      throw new UnknownInteractionError(
        codeOrUrl,
        'the request waits for the agent to answer a clarification',
      );
    }
    const decided = decision === 'approve' ? await pending.approve(record.id) : await pending.deny(record.id);
    if (!decided) throw new UnknownInteractionError(codeOrUrl, 'the request no longer waits for a decision');
  }

  async function takeQueued(): Promise<PendingInteraction | undefined> {
    while (queue.length > 0) {
      const record = await pending.get(queue.shift()!);
      if (record && pending.awaitsPerson(record)) return describe(record);
    }
    return undefined;
  }

  return {
    approve: (codeOrUrl) => decide(codeOrUrl, 'approve'),
    deny: (codeOrUrl) => decide(codeOrUrl, 'deny'),

    async next(nextOptions = {}) {
      if (closed) throw new InteractionWaitError('the dev server is closed');
      const queued = await takeQueued();
      if (queued) return queued;
      return new Promise<PendingInteraction>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waiter: Waiter = {
          resolve: (interaction) => {
            cleanup();
            resolve(interaction);
          },
          reject: (error) => {
            cleanup();
            reject(error);
          },
        };
        const onAbort = (): void => waiter.reject(new InteractionWaitError('next() was aborted'));
        const cleanup = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          nextOptions.signal?.removeEventListener('abort', onAbort);
          const index = waiters.indexOf(waiter);
          if (index !== -1) waiters.splice(index, 1);
        };
        if (nextOptions.signal?.aborted) {
          onAbort();
          return;
        }
        nextOptions.signal?.addEventListener('abort', onAbort, { once: true });
        if (nextOptions.timeoutMs !== undefined) {
          timer = setTimeout(
            () =>
              waiter.reject(new InteractionWaitError(`no interaction within ${nextOptions.timeoutMs} ms`)),
            nextOptions.timeoutMs,
          );
        }
        waiters.push(waiter);
      });
    },

    enqueue(record) {
      const waiter = waiters[0];
      if (waiter) waiter.resolve(describe(record));
      else queue.push(record.id);
    },

    close() {
      closed = true;
      for (const waiter of [...waiters]) waiter.reject(new InteractionWaitError('the dev server closed'));
    },
  };
}
