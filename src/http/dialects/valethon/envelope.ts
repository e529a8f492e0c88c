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

export { renderOptionalTime, renderTime } from "../../time.js";
