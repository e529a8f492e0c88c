/** Schemas every Axiomatic resource shares: the entity, pagination, UUID ids, the error body. */
import { Type } from "typebox";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** Deep offsets cost a scan each; a filter is the better tool beyond this page. */
export const MAX_PAGE = 100_000;

export const Uuid = (description?: string) =>
  Type.String({ format: "uuid", ...(description ? { description } : {}) });

/** Listed for the OpenAPI document; the check itself runs before validation (see context.ts). */
export const EntityQuery = {
  entityId: Type.Optional(Uuid("Entity UUID; must match the API key's entity")),
  entity_id: Type.Optional(Uuid("Same as entityId (read when entityId is absent)")),
};

export const EntityQuerySchema = Type.Object(EntityQuery);

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: "Page number, from 1" })),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `Items per page (default ${DEFAULT_PAGE_SIZE})`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: "Legacy: the page size when page is omitted (pageSize wins when both are given)",
    }),
  ),
};

/** The page asked for: `limit` is the legacy way to ask for the first N, honoured without `page`. */
export function pageOf(query: { page?: number; pageSize?: number; limit?: number }): {
  page: number;
  pageSize: number;
} {
  if (query.page === undefined)
    return { page: 1, pageSize: query.pageSize ?? query.limit ?? DEFAULT_PAGE_SIZE };
  return { page: query.page, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE };
}

export const IdParamsSchema = Type.Object({ id: Uuid() });

export const ErrorSchema = Type.Object({ error: Type.String() });

/** The error responses every route may answer, for the OpenAPI document. */
export const STANDARD_ERRORS = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  429: ErrorSchema,
};
