/** Schemas every Valethon resource shares: pagination, id parameters, the error body. */
import { Type } from "typebox";

export const MAX_PER_PAGE = 100;
/** Deep offsets cost a scan each; a filter is the better tool beyond this page. */
export const MAX_PAGE = 100_000;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 25 })),
};

export const PaginationSchema = Type.Object({
  page: Type.Integer(),
  per_page: Type.Integer(),
  total: Type.Integer(),
  total_pages: Type.Integer(),
});

export const IdParamsSchema = Type.Object({
  id: Type.Integer({
    minimum: 1,
    maximum: 2_147_483_647,
    description: "The record's number in the workspace",
  }),
});

export const ErrorSchema = Type.Object({
  success: Type.Literal(false),
  error: Type.String(),
  code: Type.String(),
  request_id: Type.String(),
});

/** The error responses every authenticated route may answer, for the OpenAPI document. */
export const STANDARD_ERRORS = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  429: ErrorSchema,
};
