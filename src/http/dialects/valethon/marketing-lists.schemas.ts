/** Request and response schemas of the Valethon marketing-list and dashboard extensions (docs/valethon.md). */
import { Type } from "typebox";
import { MARKETING_LIST_LIMITS } from "../../../core/marketing-lists/marketing-list.types.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

const RecordNumber = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const MarketingListSchema = Type.Object({
  list_id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  member_count: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const CreateMarketingListBodySchema = Type.Object(
  {
    name: Type.String({ maxLength: MARKETING_LIST_LIMITS.name }),
    description: Type.Optional(
      Type.Union([Type.String({ maxLength: MARKETING_LIST_LIMITS.description }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);

export const UpdateMarketingListBodySchema = Type.Partial(CreateMarketingListBodySchema, {
  additionalProperties: false,
});

export const PageQuerySchema = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const AddMembersBodySchema = Type.Object(
  {
    company_ids: Type.Optional(
      Type.Array(RecordNumber, {
        maxItems: MARKETING_LIST_LIMITS.membersPerCall,
        description: "prospect_id values",
      }),
    ),
    contact_ids: Type.Optional(Type.Array(RecordNumber, { maxItems: MARKETING_LIST_LIMITS.membersPerCall })),
  },
  { additionalProperties: false },
);

export const MemberParamsSchema = Type.Object({
  id: IdParamsSchema.properties.id,
  // Valethon calls companies prospects: both words name them.
  type: Type.Union([Type.Literal("company"), Type.Literal("prospect"), Type.Literal("contact")]),
  member_id: RecordNumber,
});

export const MemberSchema = Type.Object({
  member_type: Type.String(),
  member_id: Type.Integer(),
  uuid: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  added_at: Type.String(),
});

export const MarketingListEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: MarketingListSchema,
});

export const MarketingListPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(MarketingListSchema),
  pagination: PaginationSchema,
});

export const MemberPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(MemberSchema),
  pagination: PaginationSchema,
});

export const AddMembersResultSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ list_id: Type.Integer(), added: Type.Integer(), already_members: Type.Integer() }),
});

export const DeletedMarketingListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ list_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export const RemovedMemberSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    list_id: Type.Integer(),
    member_type: Type.String(),
    member_id: Type.Integer(),
    removed: Type.Literal(true),
  }),
});

export { ErrorSchema, IdParamsSchema };
