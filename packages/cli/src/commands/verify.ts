/**
 * `aauth-kit verify`: checks a captured signed request the way an AAuth resource does
 * (createRequestVerifier: RFC 9421 signature, Signature-Key, the token, its cnf binding) and says why it
 * fails in plain words, with the Signature-Error the resource would answer.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  AbortedError,
  createRequestVerifier,
  type Jwks,
  type PublicJwk,
  type RequestVerifierOptions,
  serializeSignatureError,
  type TokenKind,
  type VerifiedRequest,
} from '@aauth-kit/core';
import { listOf, oneOf, parseOrUsage, positionals, required, seconds } from '../args.js';
import { parseCapturedRequest } from '../captured-request.js';
import { SetupError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { readInput } from '../input.js';
import type { CommandContext } from '../io.js';
import { explainSignatureError } from '../signature-errors.js';
import type { Command } from './types.js';

const ACCEPTABLE = ['agent', 'person', 'auth'] as const satisfies readonly TokenKind[];

const help = `Usage: aauth-kit verify --request <file.json|request.http|-> [--accept agent,person,auth]
                        [--issuer-jwks <iss>=<jwks.json>]... [--development] [--now <unix seconds>]
                        [--audience <id>] [--authority <host[:port]>] [--scheme https|http] [--json]

Verifies a captured signed request as an AAuth resource would, and says why it fails.

  --request <file>          the request: JSON {"method","url","headers","body"?} (or "bodyBase64"),
                            or raw HTTP/1.1 text; - reads standard input
  --accept <kinds>          token kinds accepted in Signature-Key (default agent,person,auth)
  --issuer-jwks <iss>=<f>   trust this JWKS file for issuer <iss> instead of discovering its keys
                            (repeatable)
  --development             allow http://localhost issuers and discovery (never in production)
  --now <seconds>           verify as of this Unix time (a request captured earlier)
  --audience <id>           expected aud of person and auth tokens (the resource identifier)
  --authority <host[:port]> the resource's canonical authority, when behind a proxy
  --scheme <scheme>         scheme for raw HTTP text with an origin-form target (default https)
  --json                    print the result as JSON

Exit: 0 valid, 1 invalid (the reason and the Signature-Error code are printed).`;

function parseJwksFile(text: string, file: string): Jwks | readonly PublicJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SetupError(`${file} is not JSON`, 'give a JWKS ({"keys": [...]}) or a single public JWK', {
      cause,
    });
  }
  if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { keys?: unknown }).keys)) {
    return parsed as Jwks;
  }
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof (parsed as { kty?: unknown }).kty === 'string'
  ) {
    return [parsed as PublicJwk];
  }
  throw new SetupError(`${file} is not a JWKS`, 'give a JWKS ({"keys": [...]}) or a single public JWK');
}

async function issuerKeys(options: readonly string[]): Promise<Record<string, Jwks | readonly PublicJwk[]>> {
  const keys: Record<string, Jwks | readonly PublicJwk[]> = {};
  for (const option of options) {
    const equals = option.indexOf('=');
    if (equals <= 0 || equals === option.length - 1) {
      throw new UsageError(
        `--issuer-jwks ${JSON.stringify(option)} is not <issuer>=<file>`,
        'e.g. --issuer-jwks https://agents.example=ap.jwks.json',
      );
    }
    const file = option.slice(equals + 1);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new SetupError(`cannot read ${file}`, 'check the path of the JWKS file', { cause });
    }
    keys[option.slice(0, equals)] = parseJwksFile(text, file);
  }
  return keys;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

interface Failure {
  signatureError: string;
  message: string;
  requiredInput?: readonly string[];
  acceptSchemes?: readonly string[];
  acceptAlgs?: readonly string[];
  claim?: string;
}

/** The Signature-Error facts of a verification failure (any error carrying `signatureError`). */
function failureOf(error: unknown): Failure | undefined {
  if (!(error instanceof Error) || error instanceof AbortedError) return undefined;
  const code = (error as { signatureError?: unknown }).signatureError;
  if (typeof code !== 'string') return undefined;
  const failure: Failure = { signatureError: code, message: error.message };
  const details = (error as { details?: Failure }).details;
  if (details?.requiredInput) failure.requiredInput = details.requiredInput;
  if (details?.acceptSchemes) failure.acceptSchemes = details.acceptSchemes;
  if (details?.acceptAlgs) failure.acceptAlgs = details.acceptAlgs;
  // The claim at fault sits on a TokenVerificationError somewhere down the cause chain.
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const claim = (cause as { claim?: unknown }).claim;
    if (typeof claim === 'string') {
      failure.claim = claim;
      break;
    }
  }
  return failure;
}

function signatureErrorHeader(failure: Failure): string {
  return serializeSignatureError(
    failure.requiredInput === undefined
      ? { error: failure.signatureError }
      : { error: failure.signatureError, requiredInput: [...failure.requiredInput] },
  );
}

function describeValid(verified: VerifiedRequest): string {
  const lines = [`valid: signed by ${verified.key.alg} key ${verified.key.thumbprint}`];
  lines.push(`  covered: ${verified.components.map((c) => JSON.stringify(c)).join(' ')}`);
  lines.push(`  created: ${isoTime(verified.created)} (${verified.created})`);
  if (verified.expires !== undefined) lines.push(`  expires: ${isoTime(verified.expires)}`);
  const token = verified.token;
  if (token !== undefined) {
    const { iss, sub, exp } = token.claims as { iss?: unknown; sub?: unknown; exp?: unknown };
    lines.push(`  token: ${token.kind} token (${token.typ}) from ${String(iss)}, sub ${String(sub)}`);
    if (typeof exp === 'number') lines.push(`  token expires: ${isoTime(exp)}`);
  } else {
    lines.push(`  Signature-Key scheme: ${verified.signatureKey.scheme}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeInvalid(failure: Failure): string {
  const lines = [`invalid: ${failure.message}`, `  why: ${explainSignatureError(failure.signatureError)}`];
  if (failure.claim !== undefined) lines.push(`  claim: ${failure.claim}`);
  if (failure.requiredInput) lines.push(`  required_input: ${failure.requiredInput.join(' ')}`);
  if (failure.acceptSchemes) lines.push(`  accepted schemes: ${failure.acceptSchemes.join(', ')}`);
  if (failure.acceptAlgs) lines.push(`  accepted algorithms: ${failure.acceptAlgs.join(', ')}`);
  lines.push(`  Signature-Error: ${signatureErrorHeader(failure)}`);
  return `${lines.join('\n')}\n`;
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: rest } = parseOrUsage('verify', () =>
    parseArgs({
      args: argv,
      options: {
        request: { type: 'string', short: 'r' },
        accept: { type: 'string' },
        'issuer-jwks': { type: 'string', multiple: true },
        development: { type: 'boolean' },
        now: { type: 'string' },
        audience: { type: 'string' },
        authority: { type: 'string' },
        scheme: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  positionals('verify', rest, []);
  const file = required('verify', 'request', values.request);
  const accept = listOf('verify', 'accept', values.accept, ACCEPTABLE) ?? [...ACCEPTABLE];
  const now = seconds('verify', 'now', values.now, { integer: true });
  const scheme = oneOf('verify', 'scheme', values.scheme, ['https', 'http'] as const) ?? 'https';
  const request = parseCapturedRequest(await readInput(file, ctx.stdin), { scheme });
  const pinned = values['issuer-jwks'] === undefined ? undefined : await issuerKeys(values['issuer-jwks']);

  const options: RequestVerifierOptions = { accept, jwtCache: false };
  if (pinned !== undefined) options.issuerKeys = pinned;
  if (values.development === true) options.development = true;
  if (now !== undefined) options.now = () => now;
  if (values.audience !== undefined) options.audience = values.audience;
  if (values.authority !== undefined) options.authority = values.authority;
  const verifier = createRequestVerifier(options);

  let verified: VerifiedRequest;
  try {
    verified = await verifier.verify(request, { signal: ctx.signal });
  } catch (error) {
    const failure = failureOf(error);
    if (failure === undefined) throw error;
    if (values.json === true) {
      const json = {
        valid: false,
        signature_error: failure.signatureError,
        signature_error_header: signatureErrorHeader(failure),
        reason: explainSignatureError(failure.signatureError),
        message: failure.message,
        ...(failure.claim === undefined ? {} : { claim: failure.claim }),
        ...(failure.requiredInput === undefined ? {} : { required_input: failure.requiredInput }),
      };
      ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      ctx.stdout.write(describeInvalid(failure));
    }
    return EXIT.refused;
  }
  if (values.json === true) {
    const json = {
      valid: true,
      label: verified.label,
      components: verified.components,
      created: verified.created,
      ...(verified.expires === undefined ? {} : { expires: verified.expires }),
      key: { alg: verified.key.alg, thumbprint: verified.key.thumbprint },
      scheme: verified.signatureKey.scheme,
      ...(verified.token === undefined
        ? {}
        : { token: { kind: verified.token.kind, typ: verified.token.typ, claims: verified.token.claims } }),
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    ctx.stdout.write(describeValid(verified));
  }
  return EXIT.ok;
}

export const verify: Command = {
  name: 'verify',
  summary: 'verify a captured signed request and say why it fails',
  help,
  run,
};
