/** Valethon's response envelopes and error body (seeds/000 "Response format"). */

export const ok = <T>(data: T) => ({ success: true as const, data });

export function paginated<T>(items: T[], page: number, perPage: number, total: number) {
  return {
    success: true as const,
    data: items,
    pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
  };
}

export type ValethonErrorCode =
  | "AUTH_REQUIRED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "VALIDATION_ERROR"
  | "RATE_LIMITED"
  | "DUPLICATE"
  | "CONFLICT"
  | "SERVER_ERROR";

export const errorBody = (code: ValethonErrorCode, error: string, requestId: string) => ({
  success: false as const,
  error,
  code,
  request_id: requestId,
});

/** Stored times carry milliseconds; Valethon shows whole seconds (`2026-03-10T14:30:00Z`). */
export const renderTime = (stored: string): string => `${stored.slice(0, 19)}Z`;
export const renderOptionalTime = (stored: string | null): string | null =>
  stored ? renderTime(stored) : null;
