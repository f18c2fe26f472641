/**
 * The resource's request verification (P11 §2.4, §4.4, #resource-tokens). In order:
 *  1. read the body (bounded) so a covered Content-Digest can be checked;
 *  2. verify the HTTP signature and the token in Signature-Key (agent, person or auth token, by `typ`);
 *  3. refuse a replayed signature (same key, same signature bytes, within the window);
 *  4. token checks beyond the signature: `aud` = this resource (person/auth), `cnf.jwk` = signing key,
 *     issuer trust for auth tokens;
 *  5. decide against the route: accept, challenge (agent-token / person-token), or answer auth-token with a
 *     fresh resource token (first challenge or scope step-up).
 * Failures in 2-4 are 401 + Signature-Error; a refused-but-authenticated request is 403 without it.
 */
import {
  AAuthError,
  AbortedError,
  audienceIncludes,
  DWK,
  encodeBase64Url,
  HEADER,
  SIGNATURE_ERROR_CODE,
  type SignatureKeyResolver,
  SignatureVerificationError,
  type SignatureVerificationPolicy,
  TokenVerificationError,
  type VerifiedSignature,
  type VerifiedToken,
  verifyMessageSignature,
} from '@aauth-kit/core';
import { readRequestBody } from './body.js';
import { PROBLEM_CODE } from './constants.js';
import { AuthorizationRequiredError, PayloadTooLargeError, UntrustedPersonServerError } from './errors.js';
import type { ReplayStore } from './replay-store.js';
import type { ResourceTokenIssuer } from './resource-token.js';
import {
  challengeResponse,
  problemResponse,
  requirementHeader,
  signatureErrorResponse,
} from './responses.js';
import { decide, normalizeRoute } from './route.js';
import { parseScopeClaim } from './scope.js';
import type { IssuerTrust } from './trust.js';
import type {
  AAuthIdentity,
  AcceptableTokenKind,
  RouteRequirement,
  VerifyOptions,
  VerifyOutcome,
} from './types.js';

export interface VerifierContext {
  issuer: string;
  resolveKey: SignatureKeyResolver;
  replayStore: ReplayStore;
  trust: IssuerTrust;
  issueResourceToken: ResourceTokenIssuer;
  accessServer: string | undefined;
  signatureWindow: number;
  maxBodyBytes: number;
  now: () => number;
}

/** A verification outcome plus the body bytes that were read (for endpoints that parse the body). */
export interface VerifiedRequest {
  outcome: VerifyOutcome;
  body: Uint8Array | null;
}

type Failure = Extract<VerifyOutcome, { ok: false }>;

function signatureFailure(error: SignatureVerificationError, headers?: Record<string, string>): Failure {
  return { ok: false, status: 401, response: signatureErrorResponse(error, headers), error };
}

function tokenFailure(message: string, claim: string, headers?: Record<string, string>): Failure {
  const error = new SignatureVerificationError(
    SIGNATURE_ERROR_CODE.invalidJwt,
    message,
    {},
    {
      cause: new TokenVerificationError(SIGNATURE_ERROR_CODE.invalidJwt, message, claim),
    },
  );
  return signatureFailure(error, headers);
}

function challengeFailure(error: AuthorizationRequiredError): Failure {
  return {
    ok: false,
    status: 401,
    response: challengeResponse(error.requirement, error.message, error.resourceToken),
    error,
  };
}

function isAcceptableToken(token: VerifiedToken): token is VerifiedToken & { kind: AcceptableTokenKind } {
  return token.kind === 'agent' || token.kind === 'person' || token.kind === 'auth';
}

/** The resolver hands back the full VerifiedToken behind its summary type; check rather than assume. */
function presentedToken(signature: VerifiedSignature): VerifiedToken | undefined {
  const token = signature.resolved.token;
  if (token === undefined || token.kind === 'jkt') return undefined;
  const full = token as VerifiedToken;
  return typeof full.cnfThumbprint === 'string' ? full : undefined;
}

/** Order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * ECDSA signatures are malleable: (r, n − s) verifies wherever (r, s) does, so a replayed ES256 request
 * could be re-encoded past a store keyed on raw bytes. Key on the low-s form instead.
 */
function canonicalSignature(alg: string, signature: Uint8Array): Uint8Array {
  if (alg !== 'ES256' || signature.byteLength !== 64) return signature;
  let s = 0n;
  for (let i = 32; i < 64; i++) s = (s << 8n) | BigInt(signature[i] ?? 0);
  if (s <= P256_N / 2n) return signature;
  const out = new Uint8Array(signature);
  let low = P256_N - s;
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(low & 0xffn);
    low >>= 8n;
  }
  return out;
}

function replayKey(signature: VerifiedSignature): string {
  const { key } = signature.resolved;
  return `${key.thumbprint}.${encodeBase64Url(canonicalSignature(key.alg, signature.signature))}`;
}

function union(first: readonly string[], second: readonly string[]): string[] {
  const out = [...first];
  for (const value of second) if (!out.includes(value)) out.push(value);
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function buildIdentity(
  token: VerifiedToken & { kind: AcceptableTokenKind },
  signature: VerifiedSignature,
): AAuthIdentity {
  const claims = token.claims;
  const identity: AAuthIdentity = {
    kind: token.kind,
    agentJkt: signature.resolved.key.thumbprint,
    scope: token.kind === 'auth' ? parseScopeClaim(claims.scope) : [],
    token,
    signature,
  };
  if (token.kind === 'agent') identity.agentId = token.claims.sub;
  if (token.kind === 'person') identity.person = { iss: token.claims.iss, sub: token.claims.sub };
  if (token.kind === 'auth') identity.person = { iss: token.claims.ps, sub: token.claims.sub };
  const mission = optionalString(claims.mission_s256);
  if (mission !== undefined) identity.missionS256 = mission;
  const tenant = optionalString(claims.tenant);
  if (tenant !== undefined) identity.tenant = tenant;
  return identity;
}

/**
 * Auth-token issuer trust (P11 #auth-token-verification, reference Q4). A PS-issued token must name
 * itself as `ps`; an AS-issued one must come from the configured Access Server.
 */
function authTokenTrustProblem(
  ctx: VerifierContext,
  token: VerifiedToken & { kind: 'auth' },
): string | undefined {
  const { iss, ps, dwk } = token.claims;
  if (dwk === DWK.person) {
    if (ps !== iss) return `auth token from ${iss} names another Person Server (${String(ps)}) as ps`;
    if (!ctx.trust.acceptsAuthTokenFromPersonServer(iss, ctx.now())) {
      return `auth tokens from ${iss} are not trusted by this resource`;
    }
    return undefined;
  }
  if (!ctx.trust.acceptsAuthTokenFromAccessServer(iss)) {
    return `auth tokens from the Access Server ${iss} are not trusted by this resource`;
  }
  return undefined;
}

async function verifySignature(
  ctx: VerifierContext,
  request: Request,
  body: Uint8Array | null,
  policy: SignatureVerificationPolicy,
  signal: AbortSignal | undefined,
): Promise<VerifiedSignature | Failure> {
  try {
    return await verifyMessageSignature(
      { method: request.method, url: request.url, headers: request.headers, body },
      signal === undefined
        ? { policy, resolveKey: ctx.resolveKey, now: ctx.now }
        : { policy, resolveKey: ctx.resolveKey, now: ctx.now, signal },
    );
  } catch (error) {
    if (error instanceof SignatureVerificationError) {
      // An unsigned request is an agent that has not started AAuth yet: besides the Signature-Error,
      // tell it what to present (P11 #requirement-responses, escalation starts at agent-token).
      return signatureFailure(
        error,
        isUnsigned(request) ? { [HEADER.aauthRequirement]: requirementHeader('agent-token') } : undefined,
      );
    }
    if (error instanceof AbortedError || !(error instanceof AAuthError)) throw error;
    // Any other toolkit error while resolving the key (transport, egress) means it could not be obtained.
    return signatureFailure(
      new SignatureVerificationError(SIGNATURE_ERROR_CODE.unknownKey, error.message, {}, { cause: error }),
    );
  }
}

function isUnsigned(request: Request): boolean {
  const { headers } = request;
  return (
    !headers.has(HEADER.signature) && !headers.has(HEADER.signatureInput) && !headers.has(HEADER.signatureKey)
  );
}

/** Token checks that do not depend on the route. Returns a failure or undefined. */
function checkToken(
  ctx: VerifierContext,
  token: VerifiedToken,
  signature: VerifiedSignature,
): Failure | undefined {
  // The resolver already made cnf.jwk the verification key; re-check the binding, it is the whole point.
  if (token.cnfThumbprint !== signature.resolved.key.thumbprint) {
    return signatureFailure(
      new SignatureVerificationError(
        SIGNATURE_ERROR_CODE.invalidKey,
        'request was not signed with the cnf.jwk key',
      ),
    );
  }
  if ((token.kind === 'person' || token.kind === 'auth') && !audienceIncludes(token.claims.aud, ctx.issuer)) {
    return tokenFailure(`${token.typ} aud does not name ${ctx.issuer}`, 'aud');
  }
  return undefined;
}

/** Verify `request` against `route` under `policy`. */
export async function verifyRequest(
  ctx: VerifierContext,
  request: Request,
  route: RouteRequirement,
  policy: SignatureVerificationPolicy,
  options: VerifyOptions | undefined,
): Promise<VerifiedRequest> {
  const plan = normalizeRoute(route);
  let body: Uint8Array | null = null;
  try {
    // Most requests (GET) have no body: skip the read and its await entirely.
    if (request.body !== null) body = await readRequestBody(request, ctx.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof PayloadTooLargeError)) throw error;
    const response = problemResponse(413, PROBLEM_CODE.payloadTooLarge, error.message);
    return { outcome: { ok: false, status: 413, response, error }, body: null };
  }
  const done = (outcome: VerifyOutcome): VerifiedRequest => ({ outcome, body });

  const verified = await verifySignature(ctx, request, body, policy, options?.signal);
  if ('ok' in verified) return done(verified);
  const signature = verified;

  const token = presentedToken(signature);
  if (token === undefined || !isAcceptableToken(token)) {
    return done(tokenFailure('Signature-Key must carry an agent, person or auth token', 'typ'));
  }
  const tokenProblem = checkToken(ctx, token, signature);
  if (tokenProblem !== undefined) return done(tokenProblem);

  const fresh = await ctx.replayStore.remember(
    replayKey(signature),
    signature.created + ctx.signatureWindow + 1,
  );
  if (!fresh) {
    return done(
      signatureFailure(
        new SignatureVerificationError(
          SIGNATURE_ERROR_CODE.invalidSignature,
          'replayed signature: this signed request was already received',
        ),
      ),
    );
  }

  const granted = token.kind === 'auth' ? parseScopeClaim(token.claims.scope) : [];
  const decision = decide(token.kind, granted, plan);
  if (decision.action === 'challenge') {
    let detail = `this route needs a ${decision.requirement.replace('-', ' ')}`;
    if (decision.requirement === 'person-token' && token.kind === 'agent' && token.claims.ps === undefined) {
      detail += '; the agent token names no Person Server (ps), so the agent cannot obtain one';
    }
    return done(challengeFailure(new AuthorizationRequiredError(decision.requirement, detail)));
  }

  // Accepting, or minting a resource token for, a person or auth token depends on trusting its issuer.
  if (token.kind === 'person' && !ctx.trust.acceptsPersonTokenFrom(token.claims.iss)) {
    const error = new UntrustedPersonServerError(
      token.claims.iss,
      `person tokens from ${token.claims.iss} are not accepted by this resource`,
    );
    return done({
      ok: false,
      status: 403,
      response: problemResponse(403, PROBLEM_CODE.untrustedPersonServer, error.message),
      error,
    });
  }
  if (token.kind === 'auth') {
    const problem = authTokenTrustProblem(ctx, token);
    // P11 treats an unusable auth token like a revoked one: a Signature-Error plus person-token, so the
    // agent restarts from its person token (and a resource token addressed to its PS).
    if (problem !== undefined) {
      return done(
        tokenFailure(problem, 'iss', { [HEADER.aauthRequirement]: requirementHeader('person-token') }),
      );
    }
  }

  if (decision.action === 'accept') return done({ ok: true, identity: buildIdentity(token, signature) });

  const resourceToken = await ctx.issueResourceToken({
    presented: token,
    agentJkt: signature.resolved.key.thumbprint,
    // Step-up asks for what the agent already holds plus what this route needs, so one auth token serves both.
    scope: union(granted, plan.scope),
  });
  const detail =
    token.kind === 'auth'
      ? 'the auth token does not grant the scope this route needs; obtain a new one with this resource token'
      : 'this route needs an auth token; obtain one from your Person Server with this resource token';
  return done(challengeFailure(new AuthorizationRequiredError('auth-token', detail, resourceToken)));
}
