/**
 * Signs outgoing requests under the AAuth profile with the agent key, presenting a token in
 * `Signature-Key: sig=jwt;jwt="<token>"`. The core signer covers `@query`, `authorization` and the body
 * pair (`content-type`, `content-digest`) whenever they are present.
 *
 * Uniqueness: Ed25519 is deterministic, so two identical requests signed within the same second carry
 * identical signatures, and a resource's replay cache (keyed by signature bytes) refuses the second
 * one. The signer remembers the signatures it produced during the signature window and, on a repeat,
 * signs again with an `expires` parameter (`created` + 60 s + n) that makes the bytes unique. `expires`
 * is an AAuth-defined parameter (P11 #covered-components) every verifier honours.
 */
import { DEFAULT_SIGNATURE_WINDOW_SECONDS, HEADER } from '../constants.js';
import { signMessage } from '../http-signatures/index.js';
import type { Signer } from '../keys/types.js';

/** A token presented in `Signature-Key`. */
export interface Credential {
  kind: 'agent' | 'person' | 'auth';
  token: string;
  jti: string | undefined;
  sub: string | undefined;
  /** For auth tokens: the scope the token was cached under (route hints, cache eviction). */
  scope?: readonly string[];
}

export interface SignInput {
  method: string;
  url: URL;
  /** Headers to send; the signature headers are set on this object. */
  headers: Headers;
  body: Uint8Array | null;
}

export interface SignExtras {
  /** Components a server asked for (`Signature-Error: invalid_input`). */
  additionalComponents?: readonly string[];
  /** Seconds to add to the local clock for `created` (after a `clock_skew` answer). */
  skewSeconds?: number;
}

/** Signatures remembered for repeat detection (a bound on memory, not on correctness). */
const MAX_REMEMBERED = 10_000;
/** Remember a signature a little longer than verifiers accept it. */
const REMEMBER_MS = (DEFAULT_SIGNATURE_WINDOW_SECONDS + 5) * 1000;
const MAX_UNIQUENESS_ATTEMPTS = 64;

export class RequestSigner {
  readonly signer: Signer;
  readonly #now: () => number;
  /** signature value → epoch ms after which it may be forgotten (insertion = expiry order). */
  readonly #recent = new Map<string, number>();

  /** `now`: the client's clock in epoch milliseconds. */
  constructor(signer: Signer, now: () => number) {
    this.signer = signer;
    this.#now = now;
  }

  #forgetOld(nowMs: number): void {
    for (const [signature, until] of this.#recent) {
      if (until > nowMs && this.#recent.size < MAX_REMEMBERED) break;
      this.#recent.delete(signature);
    }
  }

  /** Sets `Signature-Input`, `Signature`, `Signature-Key` (and `Content-Digest`) on `input.headers`. */
  async sign(input: SignInput, credential: Credential, extras: SignExtras = {}): Promise<void> {
    if (input.body !== null && input.body.byteLength > 0 && !input.headers.has(HEADER.contentType)) {
      // content-type is a covered component: a body without one gets the generic type.
      input.headers.set(HEADER.contentType, 'application/octet-stream');
    }
    const skew = extras.skewSeconds ?? 0;
    const nowMs = this.#now();
    const created = Math.floor(nowMs / 1000 + skew);
    const message = { method: input.method, url: input.url, headers: input.headers, body: input.body };
    const base = {
      signer: this.signer,
      signatureKey: { scheme: 'jwt' as const, jwt: credential.token },
      created,
      ...(extras.additionalComponents === undefined || extras.additionalComponents.length === 0
        ? {}
        : { additionalComponents: extras.additionalComponents }),
    };
    this.#forgetOld(nowMs);
    let added = await signMessage(message, base);
    for (let n = 1; this.#recent.has(added.signature) && n <= MAX_UNIQUENESS_ATTEMPTS; n++) {
      added = await signMessage(message, { ...base, expiresIn: DEFAULT_SIGNATURE_WINDOW_SECONDS + n });
    }
    this.#recent.set(added.signature, nowMs + REMEMBER_MS);
    input.headers.set(HEADER.signatureInput, added['signature-input']);
    input.headers.set(HEADER.signature, added.signature);
    input.headers.set(HEADER.signatureKey, added['signature-key']);
    if (added['content-digest'] !== undefined)
      input.headers.set(HEADER.contentDigest, added['content-digest']);
  }
}
