/**
 * Epixel's lists (E2 leads, E3 appointments) page as Django REST Framework's limit/offset
 * pagination does: `offset` and `limit` in the query, answers `{count, next, previous, results}`
 * with absolute next/previous URLs.
 */
import type { FastifyRequest } from "fastify";
import { queryText } from "./context.js";
import type { FieldErrors } from "./envelope.js";
import { MESSAGES } from "./fields.js";

export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

export interface PageWindow {
  offset: number;
  limit: number;
}

/**
 * `offset` (default 0) and `limit` (default `limits.defaultLimit`, kept within 1..maxLimit) of the
 * query; a value that is not a whole number adds an error to `errors` and falls back to the default.
 */
export function pageWindow(
  errors: FieldErrors,
  query: Record<string, string>,
  limits: PageLimits,
): PageWindow {
  const integer = (field: "offset" | "limit", fallback: number) => {
    const raw = queryText(query, field);
    if (raw === undefined) return fallback;
    if (!/^\d{1,9}$/.test(raw)) {
      errors.add(field, MESSAGES.integer);
      return fallback;
    }
    return Number(raw);
  };
  const offset = integer("offset", 0);
  const limit = integer("limit", limits.defaultLimit);
  return { offset, limit: Math.min(Math.max(limit, 1), limits.maxLimit) };
}

/** The absolute URL of this list with another offset (DRF's next/previous). */
function pageUrl(request: FastifyRequest, offset: number, limit: number): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set("limit", String(limit));
  if (offset > 0) url.searchParams.set("offset", String(offset));
  else url.searchParams.delete("offset");
  return url.toString();
}

/**
 * The answer for `page` (the window's items and the whole list's `count`): the count, links to
 * the pages around it, and the items rendered as `results`.
 */
export function pageOf<T, R>(
  request: FastifyRequest,
  window: PageWindow,
  page: { count: number; items: T[] },
  render: (item: T) => R,
) {
  const { offset, limit } = window;
  return {
    count: page.count,
    next: offset + limit < page.count ? pageUrl(request, offset + limit, limit) : null,
    previous: offset > 0 ? pageUrl(request, Math.max(offset - limit, 0), limit) : null,
    results: page.items.map(render),
  };
}
