/**
 * How the CLI fails: its own error classes (usage, setup), the exit code of every error a command can
 * reach (core errors are mapped by their stable `code`), and the two-line message a person reads:
 * what happened, then what to do.
 */
import {
  AAuthError,
  AbortedError,
  ConfigurationError,
  ConsentDeniedError,
  ConsentExpiredError,
  ConsentRequiredError,
  DiscoveryError,
  EgressDeniedError,
  HeaderParseError,
  InteractionGoneError,
  InvalidArgumentError,
  InvalidIdentifierError,
  InvalidKeyError,
  NetworkError,
  PersonServerError,
  ProtocolError,
  SignatureVerificationError,
  TimeoutError,
  TokenVerificationError,
  UnsupportedAlgorithmError,
} from '@aauth-kit/core';
import { EXIT, type ExitCode } from './exit-codes.js';

/** The command line is wrong (unknown option, missing value, malformed argument). Exit 2. */
export class UsageError extends AAuthError {
  static override readonly code = 'ERR_USAGE';
  /** What to type instead. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

/** Something must be set up first (key, agent token, file, port). Exit 3; keeps ConfigurationError's code. */
export class SetupError extends ConfigurationError {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

const EXIT_BY_CODE: Readonly<Record<string, ExitCode>> = {
  [UsageError.code]: EXIT.usage,
  [InvalidArgumentError.code]: EXIT.usage,
  [ConfigurationError.code]: EXIT.configuration,
  [InvalidKeyError.code]: EXIT.configuration,
  [UnsupportedAlgorithmError.code]: EXIT.configuration,
  [InvalidIdentifierError.code]: EXIT.configuration,
  [EgressDeniedError.code]: EXIT.configuration,
  [ConsentDeniedError.code]: EXIT.consent,
  [ConsentExpiredError.code]: EXIT.consent,
  [InteractionGoneError.code]: EXIT.consent,
  [ConsentRequiredError.code]: EXIT.consent,
  [TimeoutError.code]: EXIT.network,
  [NetworkError.code]: EXIT.network,
  [DiscoveryError.code]: EXIT.network,
  [AbortedError.code]: EXIT.aborted,
  [SignatureVerificationError.code]: EXIT.refused,
  [TokenVerificationError.code]: EXIT.refused,
  [HeaderParseError.code]: EXIT.refused,
  [ProtocolError.code]: EXIT.refused,
  [PersonServerError.code]: EXIT.refused,
};

/** Node system errors a command can meet outside the library (listening, files). */
const EXIT_BY_SYSTEM_CODE: Readonly<Record<string, ExitCode>> = {
  EADDRINUSE: EXIT.configuration,
  EADDRNOTAVAIL: EXIT.configuration,
  EACCES: EXIT.configuration,
  EPERM: EXIT.configuration,
  ENOENT: EXIT.configuration,
  ECONNREFUSED: EXIT.network,
  ECONNRESET: EXIT.network,
  ENOTFOUND: EXIT.network,
};

function systemCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The exit code for an error that ended a command (unknown faults: 1). */
export function exitCodeFor(error: unknown): ExitCode {
  const code = systemCode(error);
  if (code === undefined) return EXIT.refused;
  if (error instanceof AAuthError) return EXIT_BY_CODE[code] ?? EXIT.refused;
  return EXIT_BY_SYSTEM_CODE[code] ?? EXIT.refused;
}

const DEVELOPMENT_HINT = 'for http://localhost servers pass --development (or set AAUTH_DEVELOPMENT=1)';

/** What to do next, for errors that do not carry their own hint. */
function defaultHint(error: unknown): string | undefined {
  if (error instanceof UsageError || error instanceof SetupError) return error.hint;
  if (error instanceof ConsentDeniedError) {
    return `the person answered "${error.error}"; run the command again to ask again`;
  }
  if (error instanceof ConsentExpiredError) {
    return 'nobody decided in time: run the command again and approve at the printed URL';
  }
  if (error instanceof InteractionGoneError)
    return 'the pending request no longer exists: run the command again';
  if (error instanceof TimeoutError) {
    return 'allow more time with --timeout <seconds> (a person may still be deciding), and check that the servers are running';
  }
  if (error instanceof NetworkError) {
    return 'check the URL and that the server is running (`aauth-kit dev` starts local ones)';
  }
  if (error instanceof DiscoveryError) return `check the server identifier; ${DEVELOPMENT_HINT}`;
  if (error instanceof EgressDeniedError)
    return `only public https servers are allowed by default; ${DEVELOPMENT_HINT}`;
  if (error instanceof InvalidKeyError || error instanceof UnsupportedAlgorithmError) {
    return 'use an Ed25519 or P-256 PKCS#8 PEM: `aauth-kit keygen --out agent.pem` writes one';
  }
  if (error instanceof ProtocolError || error instanceof PersonServerError) {
    return 'rerun with --explain to see each protocol step';
  }
  if (error instanceof InvalidArgumentError && /over http|localhost/.test(error.message)) {
    return DEVELOPMENT_HINT;
  }
  const code = systemCode(error);
  if (code === 'EADDRINUSE') return 'the port is taken: pass --port <another> or stop the other process';
  if (code === 'EACCES') return 'permission denied: choose another path or port';
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The error's causes worth showing (messages that add something), at most two. */
function causes(error: unknown): string[] {
  const out: string[] = [];
  let seen = messageOf(error);
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && out.length < 2) {
    const text = messageOf(cause);
    const code = systemCode(cause);
    const line =
      code !== undefined && !(cause instanceof AAuthError) && !text.includes(code)
        ? `${text} (${code})`
        : text;
    if (!seen.includes(text)) out.push(line);
    seen = text;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return out;
}

/** `aauth-kit <command>: what happened` + `cause:` lines + `→ what to do`, newline-terminated. */
export function formatError(command: string | undefined, error: unknown): string {
  const prefix = command === undefined ? 'aauth-kit' : `aauth-kit ${command}`;
  const lines = [`${prefix}: ${messageOf(error)}`];
  // The CLI's own errors already say it all; library and system errors may hide the reason in a cause.
  if (!(error instanceof UsageError || error instanceof SetupError)) {
    for (const cause of causes(error)) lines.push(`  cause: ${cause}`);
  }
  const hint = defaultHint(error);
  if (hint !== undefined) lines.push(`  → ${hint}`);
  return `${lines.join('\n')}\n`;
}
