/**
 * Signs requests under the AAuth profile (P11 §2.1–2.2). Covered components, in this order:
 *
 *   "@method" "@authority" "@path" ["@query"] "signature-key" ["authorization"]
 *   ["content-type" "content-digest"] [...additionalComponents]
 *
 * `signature-key` follows `@path` as in the P11 examples; `@query` is covered whenever the URL has a
 * query (§11 Q9), `authorization` whenever an Authorization header is sent (#aauth-access), and the
 * body pair whenever there is a non-empty body (§11 Q10). Parameters: `created` (and `expires` when
 * asked); never `alg`, never `keyid`.
 */
import { COMPONENT, HEADER, SIGNATURE_LABEL } from '../constants.js';
import { AAuthError, InvalidArgumentError } from '../errors.js';
import type { Signer } from '../keys/types.js';
import { encodeBase64, encodeBase64Url } from '../util/base64.js';
import { computeContentDigest, verifyContentDigest } from './content-digest.js';
import { type NormalizedMessage, normalizeFetchRequest, normalizeRequestLike } from './message.js';
import {
  buildSignatureBase,
  checkComponents,
  type SignatureParams,
  serializeSignatureParams,
} from './signature-base.js';
import { signatureKeyHeader } from './signature-key-header.js';
import type { HttpRequestLike, SignatureHeaders, SignOptions } from './types.js';

/** RFC 9651 Dictionary key: what a signature label must be. */
const SF_KEY = /^[a-z*][a-z0-9_\-.*]*$/;

const hasBuffer = typeof globalThis.Buffer === 'function';
const encoder = new TextEncoder();

/** The base is printable ASCII (checked while building it), so latin1 and UTF-8 give the same bytes. */
function asciiBytes(text: string): Uint8Array {
  return hasBuffer ? Buffer.from(text, 'latin1') : encoder.encode(text);
}

function checkLabel(label: string): void {
  if (label !== SIGNATURE_LABEL && (typeof label !== 'string' || !SF_KEY.test(label))) {
    throw new InvalidArgumentError(`signature label ${JSON.stringify(label)} is not a structured-field key`);
  }
}

function checkSigner(signer: Signer): void {
  if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function') {
    throw new InvalidArgumentError('options.signer must be a Signer (an object with a sign function)');
  }
}

function nowSeconds(options: SignOptions): number {
  if (options.created !== undefined) return options.created;
  const now = options.now === undefined ? Date.now() / 1000 : options.now();
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new InvalidArgumentError('options.now() must return Unix seconds as a finite number');
  }
  return Math.floor(now);
}

function expiresOf(options: SignOptions, created: number): number | undefined {
  if (options.expires !== undefined && options.expiresIn !== undefined) {
    throw new InvalidArgumentError('options.expires and options.expiresIn are mutually exclusive');
  }
  const expires = options.expiresIn === undefined ? options.expires : created + options.expiresIn;
  if (expires !== undefined && !(expires > created)) {
    throw new InvalidArgumentError('signature expires must be later than created');
  }
  return expires;
}

const NONCE_RE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

function nonceOf(options: SignOptions): string | undefined {
  const { nonce } = options;
  if (nonce === undefined) return undefined;
  if (nonce === true) return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  if (typeof nonce !== 'string' || !NONCE_RE.test(nonce)) {
    throw new InvalidArgumentError(
      'options.nonce must be true or 1-256 printable ASCII characters without quotes or backslashes',
    );
  }
  return nonce;
}

/** The body's Content-Digest: the caller's (checked against the body) or a freshly computed sha-256. */
function contentDigestFor(message: NormalizedMessage, body: Uint8Array): string {
  const existing = message.header(HEADER.contentDigest);
  if (existing === undefined) return computeContentDigest(body);
  let matches: boolean;
  try {
    matches = verifyContentDigest(existing, body);
  } catch (cause) {
    throw new InvalidArgumentError('the request carries a malformed Content-Digest', { cause });
  }
  if (!matches) throw new InvalidArgumentError('the request Content-Digest does not match its body');
  return existing;
}

function coveredComponents(message: NormalizedMessage, additional: readonly string[] | undefined): string[] {
  const components: string[] = [COMPONENT.method, COMPONENT.authority, COMPONENT.path];
  if (message.query !== undefined) components.push(COMPONENT.query);
  components.push(COMPONENT.signatureKey);
  if (message.header(HEADER.authorization) !== undefined) components.push(COMPONENT.authorization);
  if (message.body !== undefined) components.push(COMPONENT.contentType, COMPONENT.contentDigest);
  if (additional !== undefined && additional.length > 0) {
    if (!Array.isArray(additional))
      throw new InvalidArgumentError('options.additionalComponents must be an array');
    for (const component of additional) if (!components.includes(component)) components.push(component);
    checkComponents(components);
  }
  return components;
}

function signerFailure(cause: unknown): AAuthError {
  if (cause instanceof AAuthError) return cause;
  // A KMS or HSM failure is not the caller's argument error: report it as a generic AAuthError.
  return new AAuthError('the signer failed to sign', { cause });
}

function checkSignature(signature: unknown): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.byteLength === 0) {
    throw new InvalidArgumentError('the signer returned no signature bytes');
  }
  return signature;
}

/** A synchronous signer (node:crypto, noble) answers without a promise; a KMS signer with one. */
function runSigner(signer: Signer, data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  let result: Uint8Array | Promise<Uint8Array>;
  try {
    result = signer.sign(data);
  } catch (cause) {
    throw signerFailure(cause);
  }
  if (result instanceof Uint8Array) return checkSignature(result);
  return Promise.resolve(result).then(checkSignature, (cause: unknown) => {
    throw signerFailure(cause);
  });
}

/** Everything but the signature: the header values to send and the signature base bytes. */
interface PreparedSignature {
  label: string;
  signatureParams: string;
  signatureKey: string;
  contentDigest: string | undefined;
  base: Uint8Array;
}

function prepare(message: NormalizedMessage, options: SignOptions): PreparedSignature {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('sign options are required');
  checkSigner(options.signer);
  const label = options.label ?? SIGNATURE_LABEL;
  checkLabel(label);
  const signatureKey = signatureKeyHeader(options.signatureKey, label);
  const overrides = new Map<string, string>();
  overrides.set(HEADER.signatureKey, signatureKey);

  let contentDigest: string | undefined;
  if (message.body !== undefined) {
    if (message.header(HEADER.contentType) === undefined) {
      throw new InvalidArgumentError(
        'a request with a body must carry Content-Type (it is a covered component)',
      );
    }
    contentDigest = contentDigestFor(message, message.body);
    overrides.set(HEADER.contentDigest, contentDigest);
  }

  const components = coveredComponents(message, options.additionalComponents);
  const created = nowSeconds(options);
  const expires = expiresOf(options, created);
  const params: SignatureParams = { created };
  if (expires !== undefined) params.expires = expires;
  const nonce = nonceOf(options);
  if (nonce !== undefined) params.nonce = nonce;
  const signatureParams = serializeSignatureParams(components, params);
  const base = buildSignatureBase(components, signatureParams, message.withHeaderOverrides(overrides));
  return { label, signatureParams, signatureKey, contentDigest, base: asciiBytes(base) };
}

function signatureHeaders(prepared: PreparedSignature, signature: Uint8Array): SignatureHeaders {
  const { label } = prepared;
  const headers: SignatureHeaders = {
    'signature-input': `${label}=${prepared.signatureParams}`,
    signature: `${label}=:${encodeBase64(signature)}:`,
    'signature-key': prepared.signatureKey,
  };
  if (prepared.contentDigest !== undefined) headers['content-digest'] = prepared.contentDigest;
  return headers;
}

/** Signs without a promise when the signer is synchronous (a value or a throw), else a promise. */
function signEagerly(
  message: NormalizedMessage,
  options: SignOptions,
): SignatureHeaders | Promise<SignatureHeaders> {
  const prepared = prepare(message, options);
  const signature = runSigner(options.signer, prepared.base);
  return signature instanceof Uint8Array
    ? signatureHeaders(prepared, signature)
    : signature.then((bytes) => signatureHeaders(prepared, bytes));
}

/** Signs a normalized message and returns the headers to add. */
export async function signNormalizedMessage(
  message: NormalizedMessage,
  options: SignOptions,
): Promise<SignatureHeaders> {
  return signEagerly(message, options);
}

/** Signs an `HttpRequestLike` and returns the headers to add (the caller sets them on its request). */
export async function signMessage(message: HttpRequestLike, options: SignOptions): Promise<SignatureHeaders> {
  const authority = options?.authority;
  const normalized = normalizeRequestLike(message, authority === undefined ? undefined : { authority });
  return signEagerly(normalized, options);
}

/** Signs a WHATWG `Request`; returns a new Request with the signature headers set. */
export async function signRequest(request: Request, options: SignOptions): Promise<Request> {
  if (!(request instanceof Request)) throw new InvalidArgumentError('signRequest expects a WHATWG Request');
  const normalized = await normalizeFetchRequest(
    request,
    options?.authority === undefined ? undefined : { authority: options.authority },
  );
  const added = await signNormalizedMessage(normalized, options);
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(added)) if (value !== undefined) headers.set(name, value);
  return new Request(request, { headers });
}
