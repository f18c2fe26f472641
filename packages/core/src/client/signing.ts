/**
 * Signs outgoing requests under the AAuth profile with the agent key, presenting a token in
 * `Signature-Key: sig=jwt;jwt="<token>"`. The core signer covers `@query`, `authorization` and the body
 * pair (`content-type`, `content-digest`) whenever they are present.
 *
 * Uniqueness: Ed25519 is deterministic, so two identical requests signed within the same second would
 * carry identical signatures, and a resource's replay cache (keyed by signature bytes) would refuse the
 * second one. Every signature therefore carries an RFC 9421 `nonce` parameter (128 random bits), which
 * keeps parallel identical calls distinct, across processes sharing a key too.
 */
import { HEADER } from '../constants.js';
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

export class RequestSigner {
  readonly signer: Signer;
  readonly #now: () => number;

  /** `now`: the client's clock in epoch milliseconds. */
  constructor(signer: Signer, now: () => number) {
    this.signer = signer;
    this.#now = now;
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
      nonce: true as const,
      ...(extras.additionalComponents === undefined || extras.additionalComponents.length === 0
        ? {}
        : { additionalComponents: extras.additionalComponents }),
    };
    const added = await signMessage(message, base);
    input.headers.set(HEADER.signatureInput, added['signature-input']);
    input.headers.set(HEADER.signature, added.signature);
    input.headers.set(HEADER.signatureKey, added['signature-key']);
    if (added['content-digest'] !== undefined)
      input.headers.set(HEADER.contentDigest, added['content-digest']);
  }
}
