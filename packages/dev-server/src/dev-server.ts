/**
 * `startDevServer`: an Agent Provider, a Person Server (with its consent page) and the sample documents
 * resource, each on its own loopback port, sharing one store, one clock and one discovery.
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  ConfigurationError,
  createDiscovery,
  generateKeyPair,
  InvalidIdentifierError,
  validateServerIdentifier,
} from '@aauth-kit/core';
import {
  createAgentProvider,
  type RegisterAgentInput,
  type RegisteredAgent,
} from './agent-provider/agent-provider.js';
import { DEFAULTS, LIMITS, PS_PATH } from './constants.js';
import type { DevServerContext, DevServerIdentifiers } from './context.js';
import { serveFetch } from './http/fetch-bridge.js';
import { close, listen } from './http/listen.js';
import { createRouter, type Route, type RouteHandler } from './http/router.js';
import type { ConsentPolicy, DevServerOptions } from './options.js';
import { createPersonServer } from './person-server/person-server.js';
import { routingFetchFor } from './routing.js';
import { createSampleResource, SAMPLE_SCOPES } from './sample-resource/sample-resource.js';
import { createSimulatedUser, type SimulatedUser } from './simulated-user.js';
import { createMemoryStore } from './store/memory.js';
import type { DevServerStore } from './store/types.js';

export type Role = keyof DevServerIdentifiers;

const RESOURCE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface DevServer {
  /**
   * Where to send requests. Equal to the identifiers by default (`http://localhost:<port>`); the listen
   * address when an identifier was set apart from it (then sign for the identifier's authority).
   */
  urls: { agentProvider: string; personServer: string; resource: string; consent: string };
  /** Server identifiers (`iss` of tokens, `@authority` of signatures). */
  identifiers: DevServerIdentifiers;
  /** The scripted person. */
  simulatedUser: SimulatedUser;
  /** Registers an agent key at the Agent Provider and returns its first agent token. */
  registerAgent(input: RegisterAgentInput): Promise<RegisteredAgent>;
  /** fetch that routes the roles' identifiers to their listen addresses (others: the base fetch). */
  fetch: typeof fetch;
  /** The store in use (inspect agents, issued tokens, pending requests, consent decisions). */
  stores: DevServerStore;
  close(): Promise<void>;
}

/** Auth token policies every dev server starts with (after the caller's `policies`). */
export function defaultPolicies(resource: string): ConsentPolicy[] {
  return [
    { resource, scope: SAMPLE_SCOPES.read, decision: 'auto-approve' },
    { resource, scope: SAMPLE_SCOPES.write, decision: 'consent' },
  ];
}

function checkSeconds(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const seconds = value ?? fallback;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}`);
  }
  return seconds;
}

function checkPort(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigurationError(`${name} must be an integer port from 0 to 65535`);
  }
  return value;
}

function ports(options: DevServerOptions): Record<Role, number> {
  const base = checkPort('port', options.port ?? 0);
  const offset = (n: number): number => (base === 0 ? 0 : base + n);
  return {
    resource: checkPort('ports.resource', options.ports?.resource ?? offset(0)),
    personServer: checkPort('ports.personServer', options.ports?.personServer ?? offset(1)),
    agentProvider: checkPort('ports.agentProvider', options.ports?.agentProvider ?? offset(2)),
  };
}

/** The URL clients connect to for a listen address (wildcard addresses mean loopback). */
function listenOrigin(host: string, port: number): string {
  const connect = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${connect.includes(':') ? `[${connect}]` : connect}:${port}`;
}

function identifierFor(role: Role, given: string | undefined, port: number): string {
  const identifier = given ?? `http://localhost:${port}`;
  try {
    return validateServerIdentifier(identifier, { allowLocalhostHttp: true });
  } catch (cause) {
    if (cause instanceof InvalidIdentifierError) {
      throw new ConfigurationError(`identifiers.${role}: ${cause.message}`, { cause });
    }
    throw cause;
  }
}

/** Loopback identifiers on their own listen port are reachable as they are. */
function urlFor(identifier: string, origin: string, port: number): string {
  const url = new URL(identifier);
  const loopback = url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
  return loopback && Number(url.port) === port ? identifier : origin;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? DEFAULTS.host;
  const wanted = ports(options);
  const pendingTtlSeconds = checkSeconds(
    'pendingTtlSeconds',
    options.pendingTtlSeconds,
    DEFAULTS.pendingTtlSeconds,
    1,
    86_400,
  );
  const pollIntervalSeconds = checkSeconds(
    'pollIntervalSeconds',
    options.pollIntervalSeconds,
    DEFAULTS.pollIntervalSeconds,
    0,
    3600,
  );
  const agentTokenLifetimeSeconds = checkSeconds(
    'agentTokenLifetimeSeconds',
    options.agentTokenLifetimeSeconds,
    DEFAULTS.agentTokenLifetimeSeconds,
    60,
    LIMITS.agentTokenLifetimeSeconds,
  );
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new ConfigurationError('now must be a function');

  // Listen first: default identifiers name the ports actually bound. Routers are attached once built.
  const listeners: Partial<Record<Role, Parameters<typeof listen>[0]>> = {};
  const dispatch =
    (role: Role): Parameters<typeof listen>[0] =>
    (req, res) => {
      const listener = listeners[role];
      if (listener) listener(req, res);
      else res.writeHead(503, { 'retry-after': '1' }).end();
    };
  const servers: Server[] = [];
  const bound: Partial<Record<Role, number>> = {};
  try {
    for (const role of ['resource', 'personServer', 'agentProvider'] as const) {
      const listening = await listen(dispatch(role), wanted[role], host);
      servers.push(listening.server);
      bound[role] = listening.port;
    }
  } catch (error) {
    await Promise.all(servers.map(close));
    throw error;
  }

  try {
    const port = bound as Record<Role, number>;
    const identifiers: DevServerIdentifiers = {
      agentProvider: identifierFor('agentProvider', options.identifiers?.agentProvider, port.agentProvider),
      personServer: identifierFor('personServer', options.identifiers?.personServer, port.personServer),
      resource: identifierFor('resource', options.identifiers?.resource, port.resource),
    };
    if (new Set(Object.values(identifiers)).size !== 3) {
      throw new ConfigurationError('the three roles need three different identifiers');
    }
    const origins: Record<Role, string> = {
      agentProvider: listenOrigin(host, port.agentProvider),
      personServer: listenOrigin(host, port.personServer),
      resource: listenOrigin(host, port.resource),
    };
    const routedFetch = routingFetchFor(identifiers, origins, options.fetch ?? globalThis.fetch);
    const now = (): number => Math.floor(options.now === undefined ? Date.now() / 1000 : options.now());
    const allowHosts = [
      ...Object.values(identifiers).map((id) => new URL(id).hostname),
      ...(options.allowHosts ?? []),
    ];
    const [apKeys, psKeys, resourceKeys] = await Promise.all([
      generateKeyPair({ kid: 'dev-agent-provider-1' }),
      generateKeyPair({ kid: 'dev-person-server-1' }),
      generateKeyPair({ kid: 'dev-resource-1' }),
    ]);
    const secret =
      options.secret === undefined
        ? new Uint8Array(randomBytes(32))
        : typeof options.secret === 'string'
          ? new TextEncoder().encode(options.secret)
          : options.secret;
    if (secret.byteLength < 16) throw new ConfigurationError('secret must be at least 16 bytes');
    const store = options.store ?? createMemoryStore({ now });
    const ctx: DevServerContext = {
      identifiers,
      keys: { agentProvider: apKeys, personServer: psKeys, resource: resourceKeys },
      now,
      discovery: createDiscovery({
        fetch: routedFetch,
        egress: { profile: 'development', allowHosts },
        now,
      }),
      store,
      person: options.person ?? { ...DEFAULTS.person },
      secret,
      policies: [...(options.policies ?? []), ...defaultPolicies(identifiers.resource)],
      autoApprove: options.autoApprove === true,
      personTokenConsent: options.personTokenConsent ?? 'auto',
      pendingTtlSeconds,
      pollIntervalSeconds,
      agentTokenLifetimeSeconds,
      maxBodyBytes: DEFAULTS.maxBodyBytes,
      onError: options.onError ?? ((error: unknown) => console.error('[aauth-kit dev-server]', error)),
    };

    let simulatedUser: ReturnType<typeof createSimulatedUser> | undefined;
    const agentProvider = createAgentProvider(ctx);
    const personServer = createPersonServer(ctx, {
      onAwaitingPerson: (record) => simulatedUser?.enqueue(record),
    });
    simulatedUser = createSimulatedUser({
      pending: personServer.pending,
      interactionUrl: personServer.interactionUrl,
      personServer: identifiers.personServer,
      person: ctx.person.id,
    });
    const sample = createSampleResource(ctx, options.onResourceRequest);
    // The sample resource is a fetch handler: every method goes to it (it answers 404/405 itself).
    const serveSample: RouteHandler = (request) => serveFetch(request, identifiers.resource, sample.handle);
    const resourceRoute: Route = {
      path: /^\/.*$/,
      methods: Object.fromEntries(RESOURCE_METHODS.map((method) => [method, serveSample])),
    };
    const routerOptions = { maxBodyBytes: ctx.maxBodyBytes, onError: ctx.onError };
    listeners.agentProvider = createRouter(agentProvider.routes, routerOptions);
    listeners.personServer = createRouter(personServer.routes, routerOptions);
    listeners.resource = createRouter([resourceRoute], routerOptions);

    const urls = {
      agentProvider: urlFor(identifiers.agentProvider, origins.agentProvider, port.agentProvider),
      personServer: urlFor(identifiers.personServer, origins.personServer, port.personServer),
      resource: urlFor(identifiers.resource, origins.resource, port.resource),
    };
    let closing: Promise<void> | undefined;
    return {
      urls: { ...urls, consent: `${urls.personServer}${PS_PATH.consent}` },
      identifiers,
      simulatedUser: {
        approve: simulatedUser.approve,
        deny: simulatedUser.deny,
        next: simulatedUser.next,
      },
      registerAgent: agentProvider.registerAgent,
      fetch: routedFetch,
      stores: store,
      close() {
        closing ??= (async () => {
          simulatedUser?.close();
          personServer.pending.wakeAll();
          await Promise.all(servers.map(close));
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(servers.map(close));
    throw error;
  }
}
