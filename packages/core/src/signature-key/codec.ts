/**
 * `Signature-Key` codec (draft-hardt-httpbis-signature-key-08 §3): an RFC 9651 Dictionary keyed by
 * signature label whose members are a Token naming the scheme plus scheme parameters. Parsing and
 * serialization go through `structured-headers`; both sit on hot paths (every signed request, every
 * verification), so results are memoized in small bounded maps keyed by the exact header or token text.
 */
import {
  type Dictionary,
  type InnerList,
  type Item,
  type Parameters,
  serializeDictionary,
  Token,
} from 'structured-headers';
import { SIGNATURE_ERROR_CODE, SIGNATURE_KEY_SCHEME, type SignatureErrorCode } from '../constants.js';
import {
  HeaderParseError,
  InvalidArgumentError,
  SignatureKeyParseError,
  type SignatureKeyParseReason,
} from '../errors.js';
import {
  describeValue,
  isInnerList,
  type PlainValue,
  parseSfDictionary,
  serializeOrThrow,
  tokenText,
  toPlainValue,
} from '../headers/sf.js';
import type { PublicJwk } from '../keys/types.js';
import { LruCache } from '../util/lru.js';
import type {
  HwkSignatureKey,
  JktJwtSignatureKey,
  JwksUriSignatureKey,
  JwtSignatureKey,
  KnownSignatureKey,
  SignatureKey,
} from './types.js';

const HEADER_NAME = 'Signature-Key';
const CACHE_MAX_ENTRIES = 64;
/** Values longer than this are parsed but not memoized, so a flood of huge values cannot pin memory. */
const CACHE_MAX_VALUE_LENGTH = 16 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Parsing

/** Parsed dictionaries by header text. Never handed out: callers get freshly decoded members. */
const parsedDictionaries = new LruCache<string, Dictionary>(CACHE_MAX_ENTRIES);

/**
 * The last value parsed, checked before the map: an agent sends the same header on every request, and
 * comparing a new copy of it with this one costs far less than hashing it for the map lookup.
 */
let lastValue: string | undefined;
let lastDictionary: Dictionary | undefined;

function parseDictionaryCached(value: string): Dictionary {
  if (value === lastValue && lastDictionary !== undefined) return lastDictionary;
  const cached = parsedDictionaries.get(value);
  if (cached !== undefined) {
    lastValue = value;
    lastDictionary = cached;
    return cached;
  }
  let dictionary: Dictionary;
  try {
    dictionary = parseSfDictionary(HEADER_NAME, value);
  } catch (cause) {
    const message = cause instanceof HeaderParseError ? cause.message : 'malformed Signature-Key';
    throw new SignatureKeyParseError('malformed', SIGNATURE_ERROR_CODE.invalidSignature, message, undefined, {
      cause,
    });
  }
  if (value.length <= CACHE_MAX_VALUE_LENGTH) {
    parsedDictionaries.set(value, dictionary);
    lastValue = value;
    lastDictionary = dictionary;
  }
  return dictionary;
}

/** Decodes one member's parameters; `onError` fixes the Signature-Error code for this scheme. */
class MemberReader {
  constructor(
    private readonly label: string,
    private readonly scheme: string,
    private readonly params: Parameters,
    private readonly onError: SignatureErrorCode,
  ) {}

  fail(reason: SignatureKeyParseReason, detail: string): SignatureKeyParseError {
    return new SignatureKeyParseError(
      reason,
      this.onError,
      `Signature-Key member "${this.label}" (${this.scheme}): ${detail}`,
      this.label,
    );
  }

  /** A required, non-empty SF String parameter. */
  requiredString(name: string): string {
    const value = this.params.get(name);
    if (value === undefined) throw this.fail('missing_parameter', `missing required parameter "${name}"`);
    if (typeof value !== 'string' || value.length === 0) {
      throw this.fail('invalid_parameter', `parameter "${name}" must be a non-empty String`);
    }
    return value;
  }

  /** An optional Boolean parameter (sent bare, i.e. `;cache`, when true). */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.params.get(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean')
      throw this.fail('invalid_parameter', `parameter "${name}" must be a Boolean`);
    return value;
  }

  forbid(name: string): void {
    if (this.params.has(name)) throw this.fail('forbidden_parameter', `parameter "${name}" is not allowed`);
  }
}

function decodeJwtMember(
  scheme: 'jwt' | 'jkt-jwt',
  read: MemberReader,
): JwtSignatureKey | JktJwtSignatureKey {
  const jwt = read.requiredString('jwt');
  const cache = read.optionalBoolean('cache');
  return cache === undefined ? { scheme, jwt } : { scheme, jwt, cache };
}

function decodeHwkMember(read: MemberReader): HwkSignatureKey {
  // A kid would let the signer smuggle an identifier into a pseudonymous scheme (SK08 §3.6).
  read.forbid('kid');
  const kty = read.requiredString('kty');
  const alg = read.requiredString('alg');
  let jwk: PublicJwk;
  switch (kty) {
    case 'OKP':
      jwk = { kty, crv: read.requiredString('crv'), x: read.requiredString('x'), alg };
      break;
    case 'EC':
      jwk = {
        kty,
        crv: read.requiredString('crv'),
        x: read.requiredString('x'),
        y: read.requiredString('y'),
        alg,
      };
      break;
    case 'RSA':
      jwk = { kty, n: read.requiredString('n'), e: read.requiredString('e'), alg };
      break;
    default:
      throw read.fail('invalid_parameter', `unsupported kty ${describeValue(kty)}`);
  }
  return { scheme: 'hwk', jwk };
}

function decodeJwksUriMember(read: MemberReader): JwksUriSignatureKey {
  return {
    scheme: 'jwks_uri',
    id: read.requiredString('id'),
    dwk: read.requiredString('dwk'),
    kid: read.requiredString('kid'),
  };
}

function plainParams(params: Parameters): Record<string, PlainValue> {
  const out: Record<string, PlainValue> = {};
  for (const [name, value] of params) out[name] = toPlainValue(value);
  return out;
}

function decodeMember(label: string, member: Item | InnerList): SignatureKey {
  const scheme = isInnerList(member) ? undefined : tokenText(member[0]);
  if (scheme === undefined) {
    // A String (`sig="jwt"`), a number, or the obsolete inner-list form `sig=(scheme=jwt ...)`.
    throw new SignatureKeyParseError(
      'scheme_not_token',
      SIGNATURE_ERROR_CODE.invalidSignature,
      `Signature-Key member "${label}" must be a Token naming the scheme`,
      label,
    );
  }
  const params = member[1];
  switch (scheme) {
    case SIGNATURE_KEY_SCHEME.jwt:
    case SIGNATURE_KEY_SCHEME.jktJwt:
      // A jwt member without its token is a malformed header, not bad key material (aauth-go vectors).
      return decodeJwtMember(
        scheme,
        new MemberReader(label, scheme, params, SIGNATURE_ERROR_CODE.invalidSignature),
      );
    case SIGNATURE_KEY_SCHEME.hwk:
      return decodeHwkMember(new MemberReader(label, scheme, params, SIGNATURE_ERROR_CODE.invalidKey));
    case SIGNATURE_KEY_SCHEME.jwksUri:
      return decodeJwksUriMember(new MemberReader(label, scheme, params, SIGNATURE_ERROR_CODE.invalidKey));
    default:
      // Unknown or unresolved schemes are data for the verifier, which answers unsupported_scheme.
      return { scheme, params: plainParams(params) };
  }
}

/**
 * Parse a whole `Signature-Key` header into label → member. Every member is validated, so one malformed
 * member fails the call: verifiers should use {@link getSignatureKeyMember}, which validates only the
 * member for the label being verified (SK08: unselected members are ignored).
 * @throws SignatureKeyParseError (a HeaderParseError) with `reason` and the verifier's `signatureError`.
 */
export function parseSignatureKey(value: string): Map<string, SignatureKey> {
  const dictionary = parseDictionaryCached(value);
  const out = new Map<string, SignatureKey>();
  for (const [label, member] of dictionary) out.set(label, decodeMember(label, member));
  return out;
}

/**
 * The validated `Signature-Key` member for one signature label.
 * @throws SignatureKeyParseError `label_not_found` when there is no member for `label`, or any reason
 * {@link parseSignatureKey} gives for that member.
 */
export function getSignatureKeyMember(value: string, label: string): SignatureKey {
  const member = parseDictionaryCached(value).get(label);
  if (member === undefined) {
    throw new SignatureKeyParseError(
      'label_not_found',
      SIGNATURE_ERROR_CODE.invalidSignature,
      `Signature-Key has no member for label "${label}"`,
      label,
    );
  }
  return decodeMember(label, member);
}

const KNOWN_SCHEMES: ReadonlySet<string> = new Set([
  SIGNATURE_KEY_SCHEME.jwt,
  SIGNATURE_KEY_SCHEME.jktJwt,
  SIGNATURE_KEY_SCHEME.hwk,
  SIGNATURE_KEY_SCHEME.jwksUri,
]);

/**
 * Narrows a parsed member to the typed schemes (`jwt`, `jkt-jwt`, `hwk`, `jwks_uri`). Needed because
 * `UnknownSignatureKey.scheme` is a plain string, so `key.scheme === 'jwt'` alone does not narrow.
 */
export function isKnownSignatureKey(key: SignatureKey): key is KnownSignatureKey {
  return KNOWN_SCHEMES.has(key.scheme) && !('params' in key);
}

// ---------------------------------------------------------------------------------------------------------
// Serialization

function requireText(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${what} must be a non-empty string`);
  }
  return value;
}

function hwkParameters(jwk: PublicJwk): Parameters {
  const params: Parameters = new Map();
  const kty = requireText('hwk jwk.kty', jwk?.kty);
  params.set('kty', kty);
  // Only the members the scheme defines, in a fixed order; a local `kid` is dropped since hwk forbids it.
  switch (kty) {
    case 'OKP':
      params.set('crv', requireText('hwk jwk.crv', jwk.crv));
      params.set('x', requireText('hwk jwk.x', jwk.x));
      break;
    case 'EC':
      params.set('crv', requireText('hwk jwk.crv', jwk.crv));
      params.set('x', requireText('hwk jwk.x', jwk.x));
      params.set('y', requireText('hwk jwk.y', jwk.y));
      break;
    case 'RSA':
      params.set('n', requireText('hwk jwk.n', jwk.n));
      params.set('e', requireText('hwk jwk.e', jwk.e));
      break;
    default:
      throw new InvalidArgumentError(`hwk cannot carry kty ${describeValue(kty)}`);
  }
  params.set('alg', requireText('hwk jwk.alg', jwk.alg));
  return params;
}

function memberItem(member: KnownSignatureKey): Item {
  const params: Parameters = new Map();
  switch (member?.scheme) {
    case SIGNATURE_KEY_SCHEME.jwt:
    case SIGNATURE_KEY_SCHEME.jktJwt:
      params.set('jwt', requireText(`${member.scheme} jwt`, member.jwt));
      // `cache` is a flag: sent bare when true, omitted otherwise (absence means false).
      if (member.cache === true) params.set('cache', true);
      return [new Token(member.scheme), params];
    case SIGNATURE_KEY_SCHEME.hwk:
      return [new Token(member.scheme), hwkParameters(member.jwk)];
    case SIGNATURE_KEY_SCHEME.jwksUri:
      params.set('id', requireText('jwks_uri id', member.id));
      params.set('dwk', requireText('jwks_uri dwk', member.dwk));
      params.set('kid', requireText('jwks_uri kid', member.kid));
      return [new Token(member.scheme), params];
    default:
      throw new InvalidArgumentError(
        `cannot serialize Signature-Key scheme ${describeValue((member as { scheme?: unknown })?.scheme)}`,
      );
  }
}

interface SerializedJwtMember {
  label: string;
  scheme: string;
  cache: boolean;
  value: string;
}

/** Serialized single-member jwt/jkt-jwt headers by token text: the signing hot path. */
const serializedJwtMembers = new LruCache<string, SerializedJwtMember>(CACHE_MAX_ENTRIES);

function serializeMembers(members: Iterable<[string, KnownSignatureKey]>): string {
  const dictionary: Dictionary = new Map();
  for (const [label, member] of members) dictionary.set(label, memberItem(member));
  if (dictionary.size === 0) throw new InvalidArgumentError('Signature-Key needs at least one member');
  return serializeOrThrow(HEADER_NAME, () => serializeDictionary(dictionary));
}

function serializeSingle(label: string, member: KnownSignatureKey): string {
  if (member?.scheme !== SIGNATURE_KEY_SCHEME.jwt && member?.scheme !== SIGNATURE_KEY_SCHEME.jktJwt) {
    return serializeMembers([[label, member]]);
  }
  const jwt = member.jwt;
  const hit = typeof jwt === 'string' ? serializedJwtMembers.get(jwt) : undefined;
  if (
    hit !== undefined &&
    hit.label === label &&
    hit.scheme === member.scheme &&
    hit.cache === (member.cache === true)
  ) {
    return hit.value;
  }
  const value = serializeMembers([[label, member]]);
  serializedJwtMembers.set(jwt, { label, scheme: member.scheme, cache: member.cache === true, value });
  return value;
}

/**
 * Serialize members in canonical RFC 9651 form, e.g. `sig=jwt;jwt="eyJ..."`. The common single jwt
 * member is memoized per token, so re-signing with the same token costs a map lookup.
 * @throws InvalidArgumentError for an invalid label, an unknown scheme or missing/non-ASCII parameters.
 */
export function serializeSignatureKey(
  entries: Readonly<Record<string, KnownSignatureKey>> | ReadonlyMap<string, KnownSignatureKey>,
): string {
  if (entries instanceof Map) {
    if (entries.size === 1) {
      for (const [label, member] of entries) return serializeSingle(label, member);
    }
    return serializeMembers(entries);
  }
  if (entries === null || typeof entries !== 'object') {
    throw new InvalidArgumentError('Signature-Key entries must be a record or a Map');
  }
  const labels = Object.keys(entries);
  if (labels.length === 1) {
    const label = labels[0]!;
    return serializeSingle(label, (entries as Readonly<Record<string, KnownSignatureKey>>)[label]!);
  }
  return serializeMembers(Object.entries(entries as Readonly<Record<string, KnownSignatureKey>>));
}
