/** Request and response schemas of Valethon's global search (seed-apis.md Q1). */
import { Type } from "typebox";
import { SEARCH_LIMITS } from "../../../core/search/search.service.js";

export const VALETHON_SEARCH_TYPES = ["lead", "contact", "prospect", "opportunity"] as const;

export const SearchQuerySchema = Type.Object(
  {
    q: Type.String({
      maxLength: SEARCH_LIMITS.maxQueryLength,
      description: "Words to find; each matches as a prefix",
    }),
    types: Type.Optional(
      Type.String({
        maxLength: 200,
        description: `Comma-separated: ${VALETHON_SEARCH_TYPES.join(", ")} (default: all the key may read)`,
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: SEARCH_LIMITS.maxLimit, default: SEARCH_LIMITS.defaultLimit }),
    ),
  },
  { additionalProperties: false },
);

export const SearchResultSchema = Type.Object({
  type: Type.String(),
  id: Type.Integer(),
  title: Type.String(),
  subtitle: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number({ description: "Relevance in 0..1; the best result scores 1" }),
  url: Type.String(),
});

export const SearchEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    results: Type.Array(SearchResultSchema),
    total: Type.Integer({ description: "Matching records the key may read, counted up to 1000" }),
  }),
});
