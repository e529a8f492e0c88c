/**
 * The core's typed errors. They carry a closed code and no transport status: every dialect
 * maps each code to its own documented error body (the compiler checks the mapping is exhaustive).
 */

export type CoreErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "DUPLICATE"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "RATE_LIMITED";

export class CoreError extends Error {
  override name = "CoreError";
  /** The message without the field name, so a dialect can prefix its own name for the field. */
  readonly detail: string;
  constructor(
    readonly code: CoreErrorCode,
    detail: string,
    /** The core's name of the input field at fault, when there is one (`email`, `firstName`). */
    readonly field?: string,
  ) {
    super(field ? `${field}: ${detail}` : detail);
    this.detail = detail;
  }
}

export const validationError = (field: string, detail: string) => new CoreError("VALIDATION", detail, field);

export const notFound = (what: string) => new CoreError("NOT_FOUND", `${what} not found`);

export const duplicate = (field: string, detail: string) => new CoreError("DUPLICATE", detail, field);

export const conflict = (detail: string, field?: string) => new CoreError("CONFLICT", detail, field);

export const isCoreError = (error: unknown): error is CoreError => error instanceof CoreError;

/** Lets an exhaustive switch prove at compile time that every case was handled. */
export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
