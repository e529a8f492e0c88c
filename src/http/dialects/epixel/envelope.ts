/**
 * Epixel's envelope (seeds/004): every answer is `{"status_code", "errors", "data"}`. Field errors
 * are 400 "Validation Error" `{"<field>": ["<message>"]}`; business-rule failures are 401
 * "Request Failed" `{"detail": "<message>"}`, as the document lists them.
 */

export const ok = (data: unknown) => ({ status_code: 200, errors: {}, data });

export type EpixelErrors = Record<string, string[]> | { detail: string };

export class EpixelError extends Error {
  constructor(
    readonly status: number,
    readonly errors: EpixelErrors,
  ) {
    super("detail" in errors && typeof errors.detail === "string" ? errors.detail : "Validation Error");
    this.name = "EpixelError";
  }
}

export const fieldError = (field: string, message: string) => new EpixelError(400, { [field]: [message] });

export const requestFailed = (message: string) => new EpixelError(401, { detail: message });

/** Collects field errors in the document's field order and throws them all at once. */
export class FieldErrors {
  private readonly errors: Record<string, string[]> = {};

  add(field: string, message: string): void {
    const messages = this.errors[field] ?? [];
    messages.push(message);
    this.errors[field] = messages;
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw new EpixelError(400, this.errors);
  }
}

/** The body an EpixelError is rendered as. */
export const errorBody = (error: EpixelError) => ({
  status_code: error.status,
  errors: error.errors,
  data: {},
});
