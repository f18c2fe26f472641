/**
 * The person who consents. `simulated`: the dev server's simulated person approves over the Person
 * Server's own channel (unattended runs, CI). `browser`: the demo prints the consent page and its code
 * and waits while the person opens it and clicks Approve. Either way the decider returns only once the
 * agent's client holds what the consent produced (it polls the Person Server), and the time that took
 * is recorded as the consent wait.
 */
import type { AAuthClient } from '@aauth-kit/core';
import type { DevServer } from '@aauth-kit/dev-server';

export type PersonMode = 'simulated' | 'browser';

/** A consent the person has to decide on (what each example hands to its `decide` option). */
export interface ConsentToDecide {
  resource: string;
  scope: string[];
  url: string | undefined;
  code: string | undefined;
}

export type Decide = (consent: ConsentToDecide, client: AAuthClient) => Promise<void>;

export interface ConsentRecord {
  adapter: string;
  resource: string;
  scope: string[];
  /** Epoch ms: shown to the person, and the agent's client holding the result. */
  shownAt: number;
  decidedAt: number | undefined;
}

export interface Person {
  readonly mode: PersonMode;
  readonly consents: readonly ConsentRecord[];
  deciderFor(adapter: string): Decide;
}

export interface PersonOptions {
  mode: PersonMode;
  dev: DevServer;
  log: (line: string) => void;
  /** How long to wait for the person (default 10 minutes, within the dev server's pending lifetime). */
  timeoutMs?: number;
}

export function createPerson({ mode, dev, log, timeoutMs = 600_000 }: PersonOptions): Person {
  const consents: ConsentRecord[] = [];
  return {
    mode,
    consents,
    deciderFor(adapter) {
      return async (consent, client) => {
        const record: ConsentRecord = {
          adapter,
          resource: consent.resource,
          scope: consent.scope,
          shownAt: Date.now(),
          decidedAt: undefined,
        };
        consents.push(record);
        // The client remembered the consent it ran into; waiting on it polls the Person Server.
        const pending = client.pendingConsent(consent.resource);
        if (mode === 'simulated') {
          await dev.simulatedUser.approve(consent.code ?? consent.url ?? pending?.pollUrl ?? '');
          log('the simulated person approved');
        } else {
          log('');
          log(`  >>> Open ${consent.url ?? dev.urls.consent} in your browser`);
          if (consent.code !== undefined) log(`  >>> check the code ${consent.code}, then click Approve.`);
          log('  waiting for your decision…');
        }
        try {
          // (Without a remembered consent the example's own retry waits for the decision instead.)
          if (pending !== undefined) await client.waitForConsent(pending, { timeoutMs });
        } finally {
          record.decidedAt = Date.now(); // a denial ends the wait too
        }
        if (mode === 'browser')
          log(`approved after ${((record.decidedAt - record.shownAt) / 1000).toFixed(1)} s`);
      };
    },
  };
}
