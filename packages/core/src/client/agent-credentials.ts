/**
 * The agent's identity: its signing key and the agent token presented with it. The token comes from a
 * static string, a provider callback, or is minted by a self-hosted Agent Provider; it is refreshed
 * when inside the refresh margin (P11 #refresh-margin) and must always be bound (`cnf.jwk`) to the
 * signer's current key, so a rotated key is picked up on the next call.
 */
import { TOKEN_TYPE } from '../constants.js';
import { AAuthError, ConfigurationError } from '../errors.js';
import { jwkThumbprint } from '../keys/index.js';
import type { Signer } from '../keys/types.js';
import { mintAgentToken } from '../tokens/index.js';
import { SingleFlight } from './single-flight.js';
import { refreshAt } from './token-cache.js';
import { readToken, type TokenInfo } from './token-info.js';
import type { AgentProviderOptions, AgentTokenSource } from './types.js';

export interface AgentTokenState {
  token: string;
  info: TokenInfo;
  /** `iss` + `sub`: what distinguishes one agent from another in cache keys. */
  identity: string;
  /** The agent's PS from the token (`ps` claim). */
  ps: string | undefined;
  /** Thumbprint of the key the token is bound to (= the signer's when it was accepted). */
  thumbprint: string;
  refreshAt: number;
  /** Whether a newer token can be obtained (provider or minting; not a static string). */
  refreshable: boolean;
}

const thumbprints = new WeakMap<object, string>();

/** RFC 7638 thumbprint of the signer's current public key, computed once per key object. */
export function signerThumbprint(signer: Signer): string {
  const jwk = signer.publicJwk;
  let thumbprint = thumbprints.get(jwk);
  if (thumbprint === undefined) {
    try {
      thumbprint = jwkThumbprint(jwk);
    } catch (cause) {
      throw new ConfigurationError('signer.publicJwk is not a usable public key', { cause });
    }
    thumbprints.set(jwk, thumbprint);
  }
  return thumbprint;
}

export interface AgentCredentialsOptions {
  signer: Signer;
  agentToken?: AgentTokenSource;
  agentProvider?: AgentProviderOptions;
  development: boolean;
  now: () => number;
}

export class AgentCredentials {
  readonly signer: Signer;
  readonly #source: AgentTokenSource | undefined;
  readonly #provider: AgentProviderOptions | undefined;
  readonly #development: boolean;
  readonly #now: () => number;
  readonly #flight = new SingleFlight<AgentTokenState>();
  #current: AgentTokenState | undefined;

  constructor(options: AgentCredentialsOptions) {
    if (options.agentToken === undefined && options.agentProvider === undefined) {
      throw new ConfigurationError('an agent token is required: set agentToken or agentProvider');
    }
    if (options.agentToken !== undefined && options.agentProvider !== undefined) {
      throw new ConfigurationError('set either agentToken or agentProvider, not both');
    }
    const source = options.agentToken;
    if (source !== undefined && typeof source !== 'string' && typeof source !== 'function') {
      throw new ConfigurationError('agentToken must be a string or a function returning one');
    }
    this.signer = options.signer;
    this.#source = source;
    this.#provider = options.agentProvider;
    this.#development = options.development;
    this.#now = options.now;
  }

  /** Thumbprint of the signing key right now. */
  thumbprint(): string {
    return signerThumbprint(this.signer);
  }

  /** The last accepted agent token, without refreshing (undefined before the first call). */
  peek(): AgentTokenState | undefined {
    return this.#current;
  }

  /** A usable agent token bound to the current key, refreshed when needed. */
  get(signal?: AbortSignal): Promise<AgentTokenState> {
    const current = this.#current;
    if (current !== undefined && current.thumbprint === this.thumbprint()) {
      const now = this.#now();
      if (now < current.refreshAt) return Promise.resolve(current);
      if (!current.refreshable) {
        if (now < current.info.exp! * 1000) return Promise.resolve(current);
        return Promise.reject(new ConfigurationError('the static agent token has expired'));
      }
    }
    return this.refresh(signal);
  }

  /**
   * Obtains a new agent token (after `expired_jwt`, `invalid_key`, a rotated key, or the margin).
   * A static token is re-validated and returned as is.
   */
  refresh(signal?: AbortSignal): Promise<AgentTokenState> {
    return this.#flight.run('agent', () => this.#load(), signal);
  }

  async #load(): Promise<AgentTokenState> {
    const thumbprint = this.thumbprint();
    const raw = await this.#obtain();
    const state = this.#accept(raw, thumbprint);
    this.#current = state;
    return state;
  }

  async #obtain(): Promise<string> {
    if (this.#provider !== undefined) return this.#mint(this.#provider);
    const source = this.#source!;
    if (typeof source === 'string') return source;
    let value: unknown;
    try {
      value = await source();
    } catch (cause) {
      if (cause instanceof AAuthError) throw cause;
      throw new ConfigurationError('the agentToken provider failed', { cause });
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConfigurationError('the agentToken provider did not return a token string');
    }
    return value;
  }

  #mint(provider: AgentProviderOptions): Promise<string> {
    const claims: Parameters<typeof mintAgentToken>[0] = {
      iss: provider.issuer,
      sub: provider.agentId,
      cnf: { jwk: this.signer.publicJwk },
    };
    if (provider.personServer !== undefined) claims.ps = provider.personServer;
    return mintAgentToken(claims, {
      signer: provider.signer,
      kid: provider.kid,
      // mintAgentToken's clock is in Unix seconds; the client's is in milliseconds.
      now: () => this.#now() / 1000,
      lifetimeSeconds: provider.lifetimeSeconds ?? 3600,
      allowLocalhostHttp: this.#development,
    }).catch((cause: unknown) => {
      throw new ConfigurationError(
        `cannot mint an agent token: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    });
  }

  #accept(raw: string, thumbprint: string): AgentTokenState {
    let info: TokenInfo;
    try {
      info = readToken(raw, 'agent token');
    } catch (cause) {
      throw new ConfigurationError('the agent token is not a JWT', { cause });
    }
    if (info.typ !== TOKEN_TYPE.agent) {
      throw new ConfigurationError(
        `the agent token has typ ${String(info.typ)}, expected ${TOKEN_TYPE.agent}`,
      );
    }
    if (info.iss === undefined || info.sub === undefined || info.exp === undefined) {
      throw new ConfigurationError('the agent token lacks iss, sub or exp');
    }
    if (info.cnfThumbprint !== thumbprint) {
      throw new ConfigurationError(
        'the agent token is not bound to the signer key (cnf.jwk differs): rotate the token with the key',
      );
    }
    const nowMs = this.#now();
    const refreshable = typeof this.#source !== 'string';
    if (info.exp * 1000 <= nowMs) {
      throw new ConfigurationError(
        refreshable
          ? 'the agent token provider returned an expired token'
          : 'the static agent token has expired',
      );
    }
    const ps = info.claims.ps;
    return {
      token: raw,
      info,
      identity: `${info.iss} ${info.sub}`,
      ps: typeof ps === 'string' ? ps : undefined,
      thumbprint,
      // A provider that hands back a token already inside the margin is not asked again for 10 s.
      refreshAt: Math.min(info.exp * 1000, Math.max(refreshAt(info.iat, info.exp, nowMs), nowMs + 10_000)),
      refreshable,
    };
  }
}
