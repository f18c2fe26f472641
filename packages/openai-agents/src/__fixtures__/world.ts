/**
 * Test world: the dev server (Agent Provider + Person Server with a simulated person), the notes
 * resource, one registered agent key, and a factory for clients sharing that key and a token store
 * (a second client plays the same agent after a process restart).
 */
import {
  type AAuthClient,
  type AAuthClientOptions,
  createAAuthClient,
  type GeneratedKeyPair,
  generateKeyPair,
  MemoryTokenStore,
} from '@aauth-kit/core';
import { type DevServer, type DevServerOptions, startDevServer } from '@aauth-kit/dev-server';
import { type NotesResource, type NotesResourceOptions, startNotesResource } from './notes-resource.js';

export interface World {
  dev: DevServer;
  notes: NotesResource;
  key: GeneratedKeyPair;
  agentToken: string;
  agentId: string;
  tokenStore: MemoryTokenStore;
  /** Exchanges that reached the network through any client of this world. */
  exchanges: { method: string; url: string; status: number | undefined }[];
  client(options?: Partial<AAuthClientOptions>): AAuthClient;
  /** POSTs to the Person Server's auth token endpoint (one per consent request). */
  authTokenRequests(): number;
  close(): Promise<void>;
}

export async function startWorld(
  devOptions: DevServerOptions = {},
  extra?: NotesResourceOptions['extra'],
): Promise<World> {
  const dev = await startDevServer(devOptions);
  const notes = await startNotesResource({
    personServer: dev.identifiers.personServer,
    ...(extra === undefined ? {} : { extra }),
  });
  const key = await generateKeyPair();
  const registered = await dev.registerAgent({ publicJwk: key.publicJwk });
  const tokenStore = new MemoryTokenStore();
  const exchanges: World['exchanges'] = [];
  const transport = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const entry = { method: init?.method ?? 'GET', url, status: undefined as number | undefined };
    exchanges.push(entry);
    const response = await dev.fetch(input, init);
    entry.status = response.status;
    return response;
  }) as typeof fetch;
  const authEndpoint = `${dev.identifiers.personServer}/token`;
  return {
    dev,
    notes,
    key,
    agentToken: registered.agentToken,
    agentId: registered.agentId,
    tokenStore,
    exchanges,
    client: (options = {}) =>
      createAAuthClient({
        signer: key.signer,
        agentToken: registered.agentToken,
        development: true,
        fetch: transport,
        tokenStore,
        ...options,
      }),
    authTokenRequests: () => exchanges.filter((e) => e.method === 'POST' && e.url === authEndpoint).length,
    close: async () => {
      await notes.close();
      await dev.close();
    },
  };
}
