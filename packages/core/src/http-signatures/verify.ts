/**
 * Verifies an AAuth request signature (P11 §2.4). Checks run in this order and the first failure wins:
 *
 *  1. `Signature`, `Signature-Input`, `Signature-Key` present                → invalid_signature
 *  2. the two signature headers are SF Dictionaries with a well-formed member
 *     for the label (`policy.label`, default `sig`), and `Signature-Key` has
 *     a member for that label                                                 → invalid_signature
 *  3. required components covered (AAuth four + policy extras + `@query` /
 *     body pair / `authorization` when applicable)                           → invalid_input (+ requiredInput)
 *  4. `created` an integer inside the window; not too far ahead; `expires`
 *     not past                                                                → invalid_signature / clock_skew
 *  5. scheme allowed by the policy                                            → unsupported_scheme (+ acceptSchemes)
 *  6. signature base buildable (covered fields present, components valid)    → invalid_signature
 *  7. key resolution (resolver errors keep their Signature-Error code)
 *  8. key algorithm allowed                                                   → unsupported_algorithm (+ acceptAlgs)
 *  9. Content-Digest (when covered) matches the body                          → invalid_signature
 * 10. the signature verifies                                                   → invalid_signature
 *
 * `keyid` is ignored: the key always comes from `Signature-Key` (P11 §2.2: `keyid`, if sent, must name
 * the same key, and the verifier takes the key from `Signature-Key`). `alg` is ignored (RFC 9421
 * §3.3.7: with JOSE algorithms the key's `alg` decides). Unknown parameters are kept in the base.
 */
import { type Dictionary, type InnerList, isInnerList } from 'structured-headers';
import {
  COMPONENT,
  DEFAULT_SIGNATURE_WINDOW_SECONDS,
  HEADER,
  REQUIRED_COMPONENTS,
  SIGNATURE_ERROR_CODE,
  SIGNATURE_LABEL,
  SUPPORTED_ALGS,
} from '../constants.js';
import {
  AbortedError,
  DiscoveryError,
  HeaderParseError,
  InvalidArgumentError,
  InvalidKeyError,
  SignatureKeyParseError,
  SignatureVerificationError,
  TokenVerificationError,
  UnsupportedAlgorithmError,
} from '../errors.js';
import { getSignatureKeyMember } from '../signature-key/codec.js';
import type { SignatureKey } from '../signature-key/types.js';
import { readCanonicalSignature, readCanonicalSignatureInput } from './canonical-fields.js';
import { verifyContentDigest } from './content-digest.js';
import { byteSequenceBytes, parseDictionaryFast } from './fast-dictionary.js';
import { NormalizedMessage, normalizeMessage } from './message.js';
import { buildSignatureBase, checkComponents, serializeReceivedSignatureParams } from './signature-base.js';
import { syncResolverOf } from './sync-resolver.js';
import type {
  HttpRequestLike,
  ResolvedSignatureKey,
  SignatureVerificationPolicy,
  VerifiedSignature,
  VerifyMessageOptions,
} from './types.js';

/** Longest signature header accepted before parsing (a JWT-carrying Signature-Key fits easily). */
const MAX_HEADER_LENGTH = 64 * 1024;
const EMPTY = new Uint8Array(0);
const hasBuffer = typeof globalThis.Buffer === 'function';
const encoder = new TextEncoder();

function fail(
  code: keyof typeof SIGNATURE_ERROR_CODE,
  message: string,
  cause?: unknown,
): SignatureVerificationError {
  return new SignatureVerificationError(
    SIGNATURE_ERROR_CODE[code],
    message,
    {},
    cause === undefined ? undefined : { cause },
  );
}

function requireHeader(message: NormalizedMessage, name: string): string {
  const value = message.header(name);
  if (value === undefined || value === '') throw fail('invalidSignature', `missing ${name} header`);
  if (value.length > MAX_HEADER_LENGTH) throw fail('invalidSignature', `${name} header is too long`);
  return value;
}

function parseSignatureDictionary(name: string, value: string): Dictionary {
  try {
    return parseDictionaryFast(value);
  } catch (cause) {
    throw fail('invalidSignature', `${name} is not a structured-field Dictionary`, cause);
  }
}

interface SignatureInputFields {
  components: string[];
  created: number;
  expires: number | undefined;
}

/** General path: the parsed member, re-serialized into `@signature-params` once its components are checked. */
interface ParsedSignatureInput extends SignatureInputFields {
  innerList: InnerList;
  signatureParams: undefined;
}

/** Canonical path: the member text is already its own serialization. */
interface ReceivedSignatureInput extends SignatureInputFields {
  innerList: undefined;
  signatureParams: string;
}

type SignatureInputMember = ParsedSignatureInput | ReceivedSignatureInput;

/** The label's Signature-Input member: an Inner List of bare Strings with integer `created`/`expires`. */
function readSignatureInput(dictionary: Dictionary, label: string): SignatureInputMember {
  const member = dictionary.get(label);
  if (member === undefined) throw fail('invalidSignature', `Signature-Input has no "${label}" member`);
  if (!isInnerList(member)) throw fail('invalidSignature', `Signature-Input "${label}" is not an Inner List`);
  const components: string[] = [];
  for (const [value, params] of member[0]) {
    if (typeof value !== 'string') throw fail('invalidSignature', 'a covered component is not a String');
    // Component parameters (`;sf`, `;key`, `;bs`, `;req`, `;name`) are not supported by this profile.
    if (params.size !== 0) throw fail('invalidSignature', `covered component "${value}" has parameters`);
    components.push(value);
  }
  const params = member[1];
  const created = params.get('created');
  if (created === undefined) throw fail('invalidSignature', 'signature has no "created" parameter');
  if (typeof created !== 'number' || !Number.isInteger(created)) {
    throw fail('invalidSignature', 'signature "created" is not an Integer');
  }
  const expires = params.get('expires');
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isInteger(expires))) {
    throw fail('invalidSignature', 'signature "expires" is not an Integer');
  }
  return { components, innerList: member, signatureParams: undefined, created, expires };
}

/** The label's Signature member: a bare Byte Sequence. */
function readSignature(dictionary: Dictionary, label: string): Uint8Array {
  const member = dictionary.get(label);
  if (member === undefined) throw fail('invalidSignature', `Signature has no "${label}" member`);
  const bytes = isInnerList(member) ? undefined : byteSequenceBytes(member[0]);
  if (bytes === undefined) throw fail('invalidSignature', `Signature "${label}" is not a Byte Sequence`);
  if (bytes.byteLength === 0) throw fail('invalidSignature', `Signature "${label}" is empty`);
  return bytes;
}

/** The label's Signature-Key member; the codec says which Signature-Error a broken member earns. */
function readSignatureKey(value: string, label: string): SignatureKey {
  try {
    return getSignatureKeyMember(value, label);
  } catch (cause) {
    if (cause instanceof SignatureKeyParseError) {
      throw new SignatureVerificationError(cause.signatureError, cause.message, {}, { cause });
    }
    if (cause instanceof HeaderParseError)
      throw fail('invalidSignature', 'Signature-Key is malformed', cause);
    throw cause;
  }
}

/** `missing` plus `component` (once), when `covered` lacks it. */
function addIfMissing(
  missing: string[] | undefined,
  covered: string[],
  component: string,
): string[] | undefined {
  if (covered.includes(component)) return missing;
  if (missing === undefined) return [component];
  if (!missing.includes(component)) missing.push(component);
  return missing;
}

/**
 * Components the policy requires for this message (AAuth four, `@query`, the body pair, `authorization`,
 * policy extras, in that order) that the signature does not cover. Nothing is allocated when all are.
 */
function checkCoverage(
  policy: SignatureVerificationPolicy,
  message: NormalizedMessage,
  covered: string[],
): void {
  let missing: string[] | undefined;
  for (const component of REQUIRED_COMPONENTS) missing = addIfMissing(missing, covered, component);
  if (message.query !== undefined && policy.requireQueryWhenPresent !== false) {
    missing = addIfMissing(missing, covered, COMPONENT.query);
  }
  if (message.body !== undefined && policy.requireDigestWhenBody !== false) {
    missing = addIfMissing(missing, covered, COMPONENT.contentType);
    missing = addIfMissing(missing, covered, COMPONENT.contentDigest);
  }
  if (message.header(HEADER.authorization) !== undefined) {
    missing = addIfMissing(missing, covered, COMPONENT.authorization);
  }
  if (policy.requiredComponents !== undefined) {
    for (const component of policy.requiredComponents) missing = addIfMissing(missing, covered, component);
  }
  if (missing !== undefined) {
    throw new SignatureVerificationError(
      SIGNATURE_ERROR_CODE.invalidInput,
      `signature does not cover required components: ${missing.join(' ')}`,
      { requiredInput: missing },
    );
  }
}

function nowSeconds(now: (() => number) | undefined): number {
  const value = now === undefined ? Date.now() / 1000 : now();
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError('options.now() must return Unix seconds as a finite number');
  }
  return Math.floor(value);
}

/** A policy duration; NaN or a negative value would silently disable the freshness checks. */
function seconds(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`policy.${name} must be a non-negative number of seconds`);
  }
  return value;
}

function checkFreshness(policy: SignatureVerificationPolicy, input: SignatureInputMember, now: number): void {
  const window = seconds('windowSeconds', policy.windowSeconds ?? DEFAULT_SIGNATURE_WINDOW_SECONDS);
  const skew = seconds('clockSkewSeconds', policy.clockSkewSeconds ?? window);
  if (input.created < now - window) {
    throw fail(
      'invalidSignature',
      `signature created ${now - input.created}s ago, outside the ${window}s window`,
    );
  }
  if (input.created > now + skew) {
    throw fail('clockSkew', `signature created ${input.created - now}s in the future (tolerance ${skew}s)`);
  }
  if (input.expires !== undefined && input.expires < now)
    throw fail('invalidSignature', 'signature has expired');
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('signature verification was aborted', { cause: signal.reason });
}

/** Resolver failures become SignatureVerificationError with the failure's Signature-Error code. */
function asSignatureError(error: unknown): unknown {
  if (error instanceof SignatureVerificationError) return error;
  if (error instanceof TokenVerificationError || error instanceof DiscoveryError) {
    return new SignatureVerificationError(error.signatureError, error.message, {}, { cause: error });
  }
  if (error instanceof InvalidKeyError) {
    return new SignatureVerificationError(
      SIGNATURE_ERROR_CODE.invalidKey,
      error.message,
      {},
      { cause: error },
    );
  }
  return error;
}

/** Resolver failures keep their Signature-Error code; an algorithm refusal also lists what is accepted. */
function resolveError(error: unknown, accepted: readonly string[]): unknown {
  if (error instanceof UnsupportedAlgorithmError) {
    return new SignatureVerificationError(
      SIGNATURE_ERROR_CODE.unsupportedAlgorithm,
      error.message,
      { acceptAlgs: accepted },
      { cause: error },
    );
  }
  return asSignatureError(error);
}

function checkResolved(
  resolved: ResolvedSignatureKey,
  signal: AbortSignal | undefined,
): ResolvedSignatureKey {
  checkAborted(signal);
  if (typeof resolved !== 'object' || resolved === null || typeof resolved.key?.verify !== 'function') {
    throw new InvalidArgumentError('resolveKey must return a ResolvedSignatureKey with a verification key');
  }
  return resolved;
}

async function resolveAsync(
  options: VerifyMessageOptions,
  member: SignatureKey,
  accepted: readonly string[],
): Promise<ResolvedSignatureKey> {
  let resolved: ResolvedSignatureKey;
  try {
    resolved = await options.resolveKey(member, options.signal);
  } catch (error) {
    throw resolveError(error, accepted);
  }
  return checkResolved(resolved, options.signal);
}

/** The resolver's synchronous twin answers from its caches when it can; otherwise the resolver itself. */
function resolve(
  options: VerifyMessageOptions,
  member: SignatureKey,
  accepted: readonly string[],
): ResolvedSignatureKey | Promise<ResolvedSignatureKey> {
  const twin = syncResolverOf(options.resolveKey);
  if (twin !== undefined) {
    let resolved: ResolvedSignatureKey | undefined;
    try {
      resolved = twin(member);
    } catch (error) {
      throw resolveError(error, accepted);
    }
    if (resolved !== undefined) return checkResolved(resolved, options.signal);
  }
  return resolveAsync(options, member, accepted);
}

function checkContentDigest(message: NormalizedMessage): void {
  const header = message.header(HEADER.contentDigest);
  if (header === undefined) throw fail('invalidSignature', 'covered Content-Digest header is absent');
  let matches: boolean;
  try {
    matches = verifyContentDigest(header, message.body ?? EMPTY);
  } catch (cause) {
    throw fail('invalidSignature', 'Content-Digest is malformed', cause);
  }
  if (!matches) throw fail('invalidSignature', 'Content-Digest does not match the body');
}

function buildBase(input: SignatureInputMember, message: NormalizedMessage): Uint8Array {
  const { components } = input;
  let base: string;
  try {
    checkComponents(components);
    const signatureParams =
      input.innerList === undefined
        ? input.signatureParams
        : serializeReceivedSignatureParams(components, input.innerList);
    base = buildSignatureBase(components, signatureParams, message);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : 'unusable signature input';
    throw fail('invalidSignature', detail, cause);
  }
  // The base is printable ASCII (checked while building it): latin1 and UTF-8 give the same bytes.
  return hasBuffer ? Buffer.from(base, 'latin1') : encoder.encode(base);
}

function checkValid(valid: unknown): void {
  if (valid !== true) throw fail('invalidSignature', 'signature does not verify');
}

/** Runs the key's verify; synchronous keys (the node:crypto backend) need no promise. */
function verifySignatureBytes(
  resolved: ResolvedSignatureKey,
  base: Uint8Array,
  signature: Uint8Array,
): undefined | Promise<void> {
  let result: boolean | Promise<boolean>;
  try {
    result = resolved.key.verify(base, signature);
  } catch (cause) {
    throw fail('invalidSignature', 'signature verification failed', cause);
  }
  if (typeof result === 'boolean') {
    checkValid(result);
    return undefined;
  }
  return Promise.resolve(result).then(checkValid, (cause: unknown) => {
    throw fail('invalidSignature', 'signature verification failed', cause);
  });
}

function checkOptions(options: VerifyMessageOptions): void {
  if (typeof options !== 'object' || options === null || typeof options.resolveKey !== 'function') {
    throw new InvalidArgumentError('verify options need a policy and a resolveKey function');
  }
  const { policy } = options;
  if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.schemes)) {
    throw new InvalidArgumentError('options.policy.schemes must list the accepted Signature-Key schemes');
  }
}

/** Verifies a normalized message (see the module comment for the order of checks). */
export function verifyNormalizedMessage(
  message: NormalizedMessage,
  options: VerifyMessageOptions,
): Promise<VerifiedSignature> {
  checkOptions(options);
  return verifyCheckedAsync(message, options);
}

async function verifyCheckedAsync(
  message: NormalizedMessage,
  options: VerifyMessageOptions,
): Promise<VerifiedSignature> {
  return verifyChecked(message, options);
}

/** What a verified request carries once its signature has been checked. */
interface Checked {
  label: string;
  input: SignatureInputMember;
  signature: Uint8Array;
  /** `signature` is a view into Buffer's pool (canonical path). */
  pooled: boolean;
  signatureKey: SignatureKey;
}

/**
 * Runs every check; the result is a value (or a throw) whenever nothing has to wait: the resolver's twin
 * answered from cache and the key verifies synchronously. Otherwise a promise.
 */
function verifyChecked(
  message: NormalizedMessage,
  options: VerifyMessageOptions,
): VerifiedSignature | Promise<VerifiedSignature> {
  const { policy } = options;
  checkAborted(options.signal);
  const signatureInputValue = requireHeader(message, HEADER.signatureInput);
  const signatureValue = requireHeader(message, HEADER.signature);
  const signatureKeyValue = requireHeader(message, HEADER.signatureKey);

  const label = policy.label ?? SIGNATURE_LABEL;
  // The canonical one-member forms first; the general structured-field path reads everything else.
  const canonicalInput = readCanonicalSignatureInput(signatureInputValue, label);
  const input: SignatureInputMember =
    canonicalInput === undefined
      ? readSignatureInput(parseSignatureDictionary('Signature-Input', signatureInputValue), label)
      : {
          components: canonicalInput.components,
          created: canonicalInput.created,
          expires: canonicalInput.expires,
          innerList: undefined,
          signatureParams: canonicalInput.signatureParams,
        };
  const canonicalSignature = readCanonicalSignature(signatureValue, label);
  const signature =
    canonicalSignature ?? readSignature(parseSignatureDictionary('Signature', signatureValue), label);
  const signatureKey = readSignatureKey(signatureKeyValue, label);

  checkCoverage(policy, message, input.components);
  checkFreshness(policy, input, nowSeconds(options.now));

  if (!policy.schemes.includes(signatureKey.scheme)) {
    throw new SignatureVerificationError(
      SIGNATURE_ERROR_CODE.unsupportedScheme,
      `Signature-Key scheme "${signatureKey.scheme}" is not accepted`,
      { acceptSchemes: policy.schemes },
    );
  }
  const base = buildBase(input, message);

  const accepted = policy.algorithms ?? SUPPORTED_ALGS;
  const checked: Checked = {
    label,
    input,
    signature,
    signatureKey,
    pooled: canonicalSignature !== undefined,
  };
  const resolved = resolve(options, signatureKey, accepted);
  if (resolved instanceof Promise) {
    return resolved.then((key) => verifyWithKey(message, checked, base, accepted, key));
  }
  return verifyWithKey(message, checked, base, accepted, resolved);
}

function verifyWithKey(
  message: NormalizedMessage,
  checked: Checked,
  base: Uint8Array,
  accepted: readonly string[],
  resolved: ResolvedSignatureKey,
): VerifiedSignature | Promise<VerifiedSignature> {
  if (!accepted.includes(resolved.key.alg)) {
    throw new SignatureVerificationError(
      SIGNATURE_ERROR_CODE.unsupportedAlgorithm,
      `signing key algorithm "${resolved.key.alg}" is not accepted`,
      { acceptAlgs: accepted },
    );
  }
  const { input } = checked;
  if (input.components.includes(COMPONENT.contentDigest)) checkContentDigest(message);
  const verifiedBytes = verifySignatureBytes(resolved, base, checked.signature);

  const verified: VerifiedSignature = {
    label: checked.label,
    components: input.components,
    created: input.created,
    // A pooled view is for node:crypto only: callers get bytes of their own, as from the general path.
    signature: checked.pooled ? new Uint8Array(checked.signature) : checked.signature,
    signatureKey: checked.signatureKey,
    resolved,
  };
  if (input.expires !== undefined) verified.expires = input.expires;
  return verifiedBytes === undefined ? verified : verifiedBytes.then(() => verified);
}

/**
 * {@link verifyMessageSignature} without the promise wrapper: answers synchronously (a value or a throw)
 * whenever nothing has to wait, else a promise. For callers that build on the result (createRequestVerifier).
 */
export function verifyMessageSignatureEagerly(
  message: Request | HttpRequestLike,
  options: VerifyMessageOptions,
): VerifiedSignature | Promise<VerifiedSignature> {
  checkOptions(options);
  const authority = options.policy.authority;
  const normalized = normalizeMessage(message, authority === undefined ? undefined : { authority });
  if (normalized instanceof NormalizedMessage) return verifyChecked(normalized, options);
  return normalized.then((ready) => verifyChecked(ready, options));
}

/** Verifies the AAuth signature of a WHATWG `Request` or an `HttpRequestLike`; throws SignatureVerificationError. */
export async function verifyMessageSignature(
  message: Request | HttpRequestLike,
  options: VerifyMessageOptions,
): Promise<VerifiedSignature> {
  return verifyMessageSignatureEagerly(message, options);
}
