/** The exit codes of `proving` (docs/cli.md). */
export enum ExitCode {
  Ok = 0,
  /** The command ran and the outcome is a failure: a verdict other than PASSED, an invalid certificate, a refused request. */
  Failed = 1,
  /** Unknown command or option, missing or extra argument. */
  Usage = 2,
  /** The server cannot be reached, or refuses who we are (UNAUTHENTICATED, no stored login). */
  NetworkOrAuth = 3,
}

/**
 * A failure the CLI reports in one line and an exit code. `code` is machine-readable (the API's
 * extensions.code, or the CLI's own: USAGE, UNREACHABLE, NOT_LOGGED_IN, …) for `--json`.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(ExitCode.Usage, 'USAGE', message);
  }
}
