/**
 * Which token issuers this resource trusts beyond a verified signature (P11 #auth-token-verification,
 * reference §11 Q4). A person or auth token proves who issued it through discovery; whether the resource
 * wants to work with that issuer is policy, decided here.
 *
 * - Person tokens: any Person Server, unless `trustedPersonServers` is configured.
 * - PS-issued auth tokens (`dwk` aauth-person.json, `ps` == `iss`): the PSes in `trustedPersonServers` when
 *   configured; otherwise the PSes this process recently addressed a resource token to (bounded record).
 * - AS-issued auth tokens (`dwk` aauth-access.json, four-party): only the configured `accessServer` or
 *   those in `trustedAccessServers`.
 */

/** An allow-list of server identifiers, or a predicate over one. */
export type IssuerPolicy = readonly string[] | ((iss: string) => boolean);

export interface IssuerTrustOptions {
  trustedPersonServers?: IssuerPolicy | undefined;
  trustedAccessServers?: IssuerPolicy | undefined;
  /** Bound on the record of Person Servers we issued resource tokens to. */
  maxRecorded: number;
  /** How long a recorded Person Server stays trusted, seconds. */
  recordTtlSeconds: number;
}

export interface IssuerTrust {
  /** Remember that a resource token addressed to `ps` was issued at `at` (Unix seconds). */
  recordResourceTokenIssued(ps: string, at: number): void;
  /** Whether a person token from `iss` is acceptable. */
  acceptsPersonTokenFrom(iss: string): boolean;
  /** Whether an auth token issued by the Person Server `iss` is acceptable at `at` (Unix seconds). */
  acceptsAuthTokenFromPersonServer(iss: string, at: number): boolean;
  /** Whether an auth token issued by the Access Server `iss` is acceptable. */
  acceptsAuthTokenFromAccessServer(iss: string): boolean;
  /** True when person-server trust is the default record rather than configuration. */
  readonly usesIssuedRecord: boolean;
}

function toPredicate(policy: IssuerPolicy): (iss: string) => boolean {
  if (typeof policy === 'function') return policy;
  const allowed = new Set(policy);
  return (iss) => allowed.has(iss);
}

export function createIssuerTrust(options: IssuerTrustOptions): IssuerTrust {
  const configuredPs = options.trustedPersonServers ? toPredicate(options.trustedPersonServers) : undefined;
  const configuredAs = options.trustedAccessServers ? toPredicate(options.trustedAccessServers) : undefined;
  // Map insertion order doubles as recency order: re-recording moves a PS to the end.
  const issued = new Map<string, number>();

  return {
    usesIssuedRecord: configuredPs === undefined,
    recordResourceTokenIssued(ps, at) {
      if (configuredPs !== undefined) return;
      issued.delete(ps);
      while (issued.size >= options.maxRecorded) {
        const oldest = issued.keys().next();
        if (oldest.done === true) break;
        issued.delete(oldest.value);
      }
      issued.set(ps, at + options.recordTtlSeconds);
    },
    acceptsPersonTokenFrom(iss) {
      return configuredPs === undefined || configuredPs(iss);
    },
    acceptsAuthTokenFromPersonServer(iss, at) {
      if (configuredPs !== undefined) return configuredPs(iss);
      const until = issued.get(iss);
      return until !== undefined && until > at;
    },
    acceptsAuthTokenFromAccessServer(iss) {
      return configuredAs?.(iss) === true;
    },
  };
}
