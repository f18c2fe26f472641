/** The process exit codes of `aauth-kit` (documented in the README; scripts key on them). */
export const EXIT = {
  ok: 0,
  /** A signature or token did not verify, or a server refused the request (HTTP ≥ 400 in `fetch`). */
  refused: 1,
  /** The command line is wrong: unknown command or option, missing or malformed value. */
  usage: 2,
  /** Something to set up first: key, agent token, environment variable, file, port. */
  configuration: 3,
  /** The person denied the consent, or it expired or vanished before a decision. */
  consent: 4,
  /** A peer could not be reached or did not answer in time. */
  network: 5,
  /** Interrupted (Ctrl-C / SIGTERM). */
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
