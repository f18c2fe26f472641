/**
 * `AAuth-Requirement` response header (P11 #requirement-responses): an RFC 9651 Dictionary whose
 * `requirement` member is a Token; the requirement's data are parameters on that member. Unknown
 * members and parameters are ignored for decisions (extra parameters are kept in `params`).
 *
 * Building: one `serializeRequirement` taking the discriminated union {@link RequirementChallenge}, plus
 * one small builder per requirement value (`authTokenRequirement(resourceToken)`, ...) returning the
 * header value, for call sites that prefer not to spell the object.
 */
import { isValidTokenStr, type Parameters, serializeDictionary, Token } from 'structured-headers';
import { HEADER, REQUIREMENT, type RequirementValue } from '../constants.js';
import { HeaderParseError, InvalidArgumentError } from '../errors.js';
import {
  describeValue,
  isInnerList,
  type PlainValue,
  parseSfDictionary,
  serializeOrThrow,
  tokenText,
  toPlainValue,
} from './sf.js';

const HEADER_NAME = 'AAuth-Requirement';
const MEMBER = 'requirement';
/** Parameters surfaced as typed fields (so never repeated in `params`). */
const PARAM = {
  resourceToken: 'resource-token',
  url: 'url',
  code: 'code',
  reason: 'reason',
} as const;
const TYPED_PARAMS: ReadonlySet<string> = new Set(Object.values(PARAM));
const KNOWN_REQUIREMENTS: ReadonlySet<string> = new Set(Object.values(REQUIREMENT));

export type RequirementParams = Record<string, PlainValue>;

/** A parsed `AAuth-Requirement`. */
export interface AAuthRequirement {
  /** The requirement Token. Unknown values are kept verbatim; see {@link isKnownRequirement}. */
  requirement: RequirementValue | string;
  /** `resource-token` (present, non-empty, for `auth-token`). */
  resourceToken?: string;
  /** `url` (present, non-empty, for `interaction`). */
  url?: string;
  /** `code` (present, non-empty, for `interaction`). */
  code?: string;
  /** `reason` (AAuth budgets: `budget-exhausted` / `insufficient-budget`). */
  reason?: string;
  /** Every other parameter on the requirement member, as plain values (Tokens become strings). */
  params: RequirementParams;
}

type ParameterlessRequirement = Exclude<RequirementValue, 'auth-token' | 'interaction'>;

/** What a server sends: the discriminated union checked by {@link serializeRequirement}. */
export type RequirementChallenge =
  | { requirement: ParameterlessRequirement; params?: RequirementParams }
  | { requirement: 'auth-token'; resourceToken: string; reason?: string; params?: RequirementParams }
  | { requirement: 'interaction'; url: string; code: string; params?: RequirementParams };

/** True for the seven -11 requirement values; case-sensitive (Tokens are). */
export function isKnownRequirement(value: string): value is RequirementValue {
  return KNOWN_REQUIREMENTS.has(value);
}

function fail(message: string): HeaderParseError {
  return new HeaderParseError(HEADER.aauthRequirement, `${HEADER_NAME}: ${message}`);
}

/** A parameter that must be a non-empty String. `allowToken` tolerates the unquoted form. */
function readText(params: Parameters, name: string, allowToken: boolean): string | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : allowToken ? tokenText(value) : undefined;
  if (text === undefined) throw fail(`parameter "${name}" must be a String`);
  if (text.length === 0) throw fail(`parameter "${name}" must not be empty`);
  return text;
}

/**
 * Parse an `AAuth-Requirement` value. Both `;` and `; ` separators parse the same (RFC 9651), obs-folds
 * are unfolded, and when `requirement` appears twice the last one wins (RFC 9651 §4.2.2).
 * @throws HeaderParseError when the value is empty or malformed, has no Token `requirement` member, or
 * lacks `resource-token` (auth-token) or `url`/`code` (interaction).
 */
export function parseRequirement(value: string): AAuthRequirement {
  if (typeof value === 'string' && value.trim() === '') throw fail('empty header value');
  const member = parseSfDictionary(HEADER.aauthRequirement, value).get(MEMBER);
  if (member === undefined) throw fail('no requirement member');
  if (isInnerList(member)) throw fail('requirement must be a Token, got an Inner List');
  const [item, params] = member;
  const requirement = tokenText(item);
  if (requirement === undefined) {
    throw fail(item === '' ? 'empty requirement value' : 'requirement must be a Token');
  }

  // resource-token is a JWT, which is also a valid Token: the packages-js SDK accepts it unquoted.
  const resourceToken = readText(params, PARAM.resourceToken, true);
  const url = readText(params, PARAM.url, false);
  const code = readText(params, PARAM.code, false);
  // BUD writes reason as a Token (`reason=budget-exhausted`).
  const reason = readText(params, PARAM.reason, true);

  if (requirement === REQUIREMENT.authToken && resourceToken === undefined) {
    throw fail('auth-token requirement is missing resource-token');
  }
  if (requirement === REQUIREMENT.interaction && (url === undefined || code === undefined)) {
    throw fail('interaction requirement is missing url or code');
  }

  const extra: RequirementParams = {};
  for (const [name, paramValue] of params) {
    if (!TYPED_PARAMS.has(name)) extra[name] = toPlainValue(paramValue);
  }
  const parsed: AAuthRequirement = { requirement, params: extra };
  if (resourceToken !== undefined) parsed.resourceToken = resourceToken;
  if (url !== undefined) parsed.url = url;
  if (code !== undefined) parsed.code = code;
  if (reason !== undefined) parsed.reason = reason;
  return parsed;
}

function requireText(field: string, value: unknown, requirement: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${requirement} requirement needs a non-empty ${field}`);
  }
  return value;
}

/**
 * Serialize a challenge in canonical RFC 9651 form (`requirement=auth-token;resource-token="..."`).
 * @throws InvalidArgumentError for an unknown requirement value, a missing `resourceToken` (auth-token),
 * missing `url and code` (interaction), non-ASCII text, or a `params` key that is invalid or shadows a
 * typed field.
 */
export function serializeRequirement(challenge: RequirementChallenge): string {
  const requirement: unknown = challenge?.requirement;
  if (typeof requirement !== 'string' || !isKnownRequirement(requirement)) {
    throw new InvalidArgumentError(`unsupported requirement value ${describeValue(requirement)}`);
  }
  const params: Parameters = new Map();
  if (challenge.requirement === REQUIREMENT.authToken) {
    params.set(PARAM.resourceToken, requireText('resourceToken', challenge.resourceToken, requirement));
    if (challenge.reason !== undefined) {
      const reason = requireText('reason', challenge.reason, requirement);
      params.set(PARAM.reason, isValidTokenStr(reason) ? new Token(reason) : reason);
    }
  } else if (challenge.requirement === REQUIREMENT.interaction) {
    if (typeof challenge.url !== 'string' || typeof challenge.code !== 'string') {
      throw new InvalidArgumentError('interaction requirement needs url and code');
    }
    params.set(PARAM.url, requireText('url', challenge.url, requirement));
    params.set(PARAM.code, requireText('code', challenge.code, requirement));
  }
  for (const [name, value] of Object.entries(challenge.params ?? {})) {
    if (TYPED_PARAMS.has(name)) {
      throw new InvalidArgumentError(
        `params.${name} shadows a typed requirement field; set the field instead`,
      );
    }
    params.set(name, value);
  }
  return serializeOrThrow(HEADER_NAME, () =>
    serializeDictionary(new Map([[MEMBER, [new Token(requirement), params]]])),
  );
}

/** `requirement=agent-token`: re-sign presenting the agent token. */
export function agentTokenRequirement(): string {
  return serializeRequirement({ requirement: REQUIREMENT.agentToken });
}

/** `requirement=person-token`: obtain a person token for this resource. */
export function personTokenRequirement(): string {
  return serializeRequirement({ requirement: REQUIREMENT.personToken });
}

/** `requirement=auth-token;resource-token="..."` (with the budget `reason` when given). */
export function authTokenRequirement(resourceToken: string, options: { reason?: string } = {}): string {
  return serializeRequirement({ requirement: REQUIREMENT.authToken, resourceToken, ...options });
}

/** `requirement=interaction;url="...";code="..."`. */
export function interactionRequirement(url: string, code: string): string {
  return serializeRequirement({ requirement: REQUIREMENT.interaction, url, code });
}

/** `requirement=approval`. */
export function approvalRequirement(): string {
  return serializeRequirement({ requirement: REQUIREMENT.approval });
}

/** `requirement=clarification`. */
export function clarificationRequirement(): string {
  return serializeRequirement({ requirement: REQUIREMENT.clarification });
}

/** `requirement=claims`. */
export function claimsRequirement(): string {
  return serializeRequirement({ requirement: REQUIREMENT.claims });
}
