/** Request and response schemas of the Valethon webhook endpoints (seed-apis.md H1–H3 + extensions). */
import { Type } from "typebox";
import { DELIVERY_STATUSES, WEBHOOK_LIMITS } from "../../../core/webhooks/webhook.types.js";
import { ErrorSchema, IdParamsSchema, PageQuery, PaginationSchema } from "./common.schemas.js";

const Url = Type.String({
  maxLength: WEBHOOK_LIMITS.urlLength,
  description: "http(s) URL receiving the deliveries",
});
const Events = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 32,
  description: 'Valethon event names (lead.created, …) or ["*"] for all',
});
const Time = Type.String({ description: "ISO 8601 UTC" });
const NullableTime = Type.Union([Type.String(), Type.Null()]);

export const WebhookSchema = Type.Object({
  webhook_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  created_at: Time,
  updated_at: Time,
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
});

export const WebhookDetailsSchema = Type.Object({
  ...WebhookSchema.properties,
  disabled_at: NullableTime,
  failing_since: NullableTime,
  previous_secret_expires_at: NullableTime,
});

export const CreatedWebhookSchema = Type.Object({
  webhook_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  secret: Type.String({ description: "Shown only here; store it to verify signatures" }),
  created_at: Time,
});

export const CreateWebhookBodySchema = Type.Object(
  {
    url: Url,
    events: Events,
    secret: Type.Optional(
      Type.String({
        minLength: WEBHOOK_LIMITS.secretMin,
        maxLength: WEBHOOK_LIMITS.secretMax,
        description: "Signing secret; generated (whsec_…) when absent",
      }),
    ),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBodySchema = Type.Object(
  { url: Type.Optional(Url), events: Type.Optional(Events), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const RotateSecretBodySchema = Type.Union([
  Type.Object(
    {
      overlap_hours: Type.Optional(
        Type.Number({
          minimum: 0,
          maximum: WEBHOOK_LIMITS.overlapHoursMax,
          description: `How long the old secret keeps signing (default ${WEBHOOK_LIMITS.overlapHoursDefault})`,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const RotatedSecretSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    webhook_id: Type.Integer(),
    secret: Type.String(),
    previous_secret_expires_at: NullableTime,
  }),
});

export const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  started_at: Time,
  duration_ms: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  response_body: Type.Union([Type.String(), Type.Null()]),
});

export const DeliverySchema = Type.Object({
  delivery_id: Type.String({ description: "Also the webhook-id header of every attempt" }),
  event: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Time,
  delivered_at: NullableTime,
  next_attempt_at: NullableTime,
  attempt_log: Type.Array(AttemptSchema),
});

export const ListDeliveriesQuerySchema = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((status) => Type.Literal(status)))),
  },
  { additionalProperties: false },
);

export const DeliveryIdParamsSchema = Type.Object({
  id: Type.String({ maxLength: 64, description: "The delivery id (a UUID)" }),
});

export const WebhookListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(WebhookSchema),
});
export const WebhookEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: WebhookDetailsSchema });
export const CreatedWebhookEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: CreatedWebhookSchema,
});
export const DeletedWebhookSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ webhook_id: Type.Integer(), deleted: Type.Literal(true) }),
});
export const QueuedDeliverySchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ delivery_id: Type.String(), status: Type.Literal("pending") }),
});
export const DeliveryPageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(DeliverySchema),
  pagination: PaginationSchema,
});

export { ErrorSchema, IdParamsSchema };
