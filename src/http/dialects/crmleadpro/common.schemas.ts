/** Schemas every CRMLead Pro resource shares: pages, the error body, ids. */
import { Type } from "typebox";

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
/** Deep offsets cost a scan each; a filter is the better tool beyond this page. */
export const MAX_PAGE = 100_000;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: "Page number, from 1" })),
  per_page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PER_PAGE,
      description: `Items per page (default ${DEFAULT_PER_PAGE})`,
    }),
  ),
};

export const pageOf = (query: { page?: number; per_page?: number }) => ({
  page: query.page ?? 1,
  perPage: query.per_page ?? DEFAULT_PER_PAGE,
});

export const PaginationSchema = Type.Object({
  page: Type.Integer(),
  per_page: Type.Integer(),
  total: Type.Integer(),
  total_pages: Type.Integer(),
});

export function listOf<T>(items: T[], page: number, perPage: number, total: number) {
  return {
    data: items,
    pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
  };
}

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Union([Type.String(), Type.Null()]),
  }),
});

/** The error responses every route may answer, for the OpenAPI document. */
export const STANDARD_ERRORS = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema };

export const IdParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const Time = Type.String({ format: "date-time" });
