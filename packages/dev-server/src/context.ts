/** What the three roles share at run time: identifiers, keys, clock, discovery and the store. */
import type { Discovery, GeneratedKeyPair } from '@aauth-kit/core';
import type { ConsentPolicy, DevServerPerson } from './options.js';
import type { DevServerStore } from './store/types.js';

export interface DevServerIdentifiers {
  agentProvider: string;
  personServer: string;
  resource: string;
}

export interface DevServerContext {
  identifiers: DevServerIdentifiers;
  keys: { agentProvider: GeneratedKeyPair; personServer: GeneratedKeyPair; resource: GeneratedKeyPair };
  /** Unix seconds. */
  now: () => number;
  discovery: Discovery;
  store: DevServerStore;
  person: DevServerPerson;
  secret: Uint8Array;
  policies: readonly ConsentPolicy[];
  autoApprove: boolean;
  personTokenConsent: 'auto' | 'consent';
  pendingTtlSeconds: number;
  pollIntervalSeconds: number;
  agentTokenLifetimeSeconds: number;
  maxBodyBytes: number;
  onError: (error: unknown) => void;
}

/** `host[:port]` of a server identifier: the canonical `@authority` of that role. */
export function authorityOf(identifier: string): string {
  return new URL(identifier).host;
}
