/**
 * One call that verifies an AAuth-signed request end to end: the RFC 9421 signature under the AAuth
 * profile, the `Signature-Key` member, and the token it carries (typ allow-list, issuer key, claims,
 * `cnf` binding). The resource package builds its challenges on top of this.
 */
import type { Dwk, TokenKind } from './constants.js';
import type { Discovery } from './discovery/discovery.js';
import { InvalidArgumentError } from './errors.js';
import type {
  HttpRequestLike,
  SignatureKeyResolver,
  SignatureVerificationPolicy,
  VerificationKey,
  VerifiedSignature,
} from './http-signatures/types.js';
import { verifyMessageSignatureEagerly } from './http-signatures/verify.js';
import type { Jwks, PublicJwk } from './keys/types.js';
import { createSignatureKeyResolver } from './signature-key/resolve.js';
import type { IssuerKeyResolver, VerifiedToken, VerifiedTokenCache } from './tokens/verify.js';

type VerifierScheme = 'jwt' | 'hwk' | 'jwks_uri' | 'jkt-jwt';

export interface RequestVerifierOptions extends Omit<SignatureVerificationPolicy, 'schemes'> {
  /** Token kinds accepted in `Signature-Key: sig=jwt` (a typ allow-list; REQUIRED, no default). */
  accept: readonly TokenKind[];
  /** Signature-Key schemes accepted (default `['jwt']`, the only scheme AAuth agents use). */
  schemes?: readonly VerifierScheme[];
  /** Expected `aud` of person and auth tokens: this server's identifier. */
  audience?: string;
  /**
   * Pinned issuer keys instead of discovery: issuer identifier → its JWKS (or keys). Useful offline
   * and in tests; production verifiers normally discover keys from `{iss}/.well-known/{dwk}`.
   */
  issuerKeys?: Readonly<Record<string, Jwks | readonly PublicJwk[]>>;
  /** Custom issuer-key lookup (takes precedence over `issuerKeys`). */
  resolveIssuerKey?: IssuerKeyResolver;
  /** Discovery used for `jwt` issuers and `jwks_uri` (default: one per verifier). */
  discovery?: Discovery;
  /** Development profile: `http://localhost:<port>` identifiers and discovery. Never in production. */
  development?: boolean;
  /** Require this `dwk` on `jwt` tokens. */
  expectedDwk?: Dwk;
  /** Verified-token cache (default: the shared bounded cache; `false` disables). */
  jwtCache?: VerifiedTokenCache | false;
  /** Clock in Unix seconds. */
  now?: () => number;
}

export interface VerifiedRequest extends VerifiedSignature {
  /** The verified token for `jwt` requests (full typed view). */
  token?: VerifiedToken;
  /** The key that made the HTTP signature. */
  key: VerificationKey;
}

export interface RequestVerifier {
  verify(request: Request | HttpRequestLike, options?: { signal?: AbortSignal }): Promise<VerifiedRequest>;
  /** The underlying Signature-Key resolver (for callers composing their own pipeline). */
  readonly resolveKey: SignatureKeyResolver;
}

function pinnedKeyResolver(
  issuerKeys: Readonly<Record<string, Jwks | readonly PublicJwk[]>>,
): IssuerKeyResolver {
  return (iss, _dwk, kid) => {
    const entry = issuerKeys[iss];
    if (!entry) return undefined;
    const keys: readonly PublicJwk[] = Array.isArray(entry) ? entry : (entry as Jwks).keys;
    return kid === undefined && keys.length === 1 ? keys[0] : keys.find((k) => k.kid === kid);
  };
}

/** Builds a verifier for one policy; reuse it across requests (it owns key and token caches). */
export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  if (!options || !Array.isArray(options.accept) || options.accept.length === 0) {
    throw new InvalidArgumentError('createRequestVerifier requires a non-empty accept list');
  }
  const schemes = options.schemes ?? ['jwt'];
  const resolveIssuerKey =
    options.resolveIssuerKey ?? (options.issuerKeys ? pinnedKeyResolver(options.issuerKeys) : undefined);
  const resolveKey = createSignatureKeyResolver({
    accept: options.accept,
    schemes,
    discovery: options.discovery,
    resolveIssuerKey,
    audience: options.audience,
    allowLocalhostHttp: options.development,
    now: options.now,
    algorithms: options.algorithms,
    expectedDwk: options.expectedDwk,
    jwtCache: options.jwtCache,
  });
  const policy: SignatureVerificationPolicy = { ...options, schemes };
  return {
    resolveKey,
    async verify(request, verifyOptions) {
      // Eagerly: a request whose token is cached and whose key verifies synchronously costs no
      // promise beyond this function's own.
      const pending = verifyMessageSignatureEagerly(request, {
        policy,
        resolveKey,
        now: options.now,
        signal: verifyOptions?.signal,
      });
      return verifiedRequest(pending instanceof Promise ? await pending : pending);
    },
  };
}

/** The verified signature plus the token and key, written out (V8 builds spread literals slowly). */
function verifiedRequest(verified: VerifiedSignature): VerifiedRequest {
  const { label, components, created, expires, signature, signatureKey, resolved } = verified;
  const token = resolved.token as unknown as VerifiedToken | undefined;
  return expires === undefined
    ? { label, components, created, signature, signatureKey, resolved, token, key: resolved.key }
    : { label, components, created, signature, signatureKey, resolved, expires, token, key: resolved.key };
}
