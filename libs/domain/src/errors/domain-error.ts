import type { DomainErrorCode } from './error-codes';

/**
 * The one error type that services throw. Its `code` comes from a string enum per area
 * (see `error-codes.ts`); `apps/api` maps every code to a public error in one exhaustive switch,
 * so adding a code without mapping it fails to compile.
 *
 * Messages are shown to clients as they are: say what was wrong and what to do, and never include
 * a stack, SQL, a file path or a secret.
 */
export class DomainError<Code extends DomainErrorCode = DomainErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** Structured, client-safe facts about the error (e.g. `retryAt`), exposed in `extensions`. */
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** Compile-time exhaustiveness: a `switch` over a union ends here. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
