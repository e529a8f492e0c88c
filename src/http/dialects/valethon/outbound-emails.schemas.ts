/** Request and response schemas of Kith's Valethon-convention outbound email endpoints. */
import { Type } from "typebox";
import { EMAIL_LIMITS, OUTBOUND_STATUSES } from "../../../core/email/email.types.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

const RecordNumber = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const NullableTime = Type.Union([Type.String({ description: "ISO 8601 UTC" }), Type.Null()]);
const NullableNumber = Type.Union([Type.Integer(), Type.Null()]);

export const OutboundEmailSchema = Type.Object({
  outbound_email_id: Type.Integer(),
  uuid: Type.String(),
  email_connection_id: Type.Integer(),
  lead_id: NullableNumber,
  contact_id: NullableNumber,
  to: Type.String(),
  subject: Type.String(),
  status: Type.String({ description: OUTBOUND_STATUSES.join(" | ") }),
  attempts: Type.Integer(),
  next_attempt_at: NullableTime,
  last_error: Type.Union([Type.String(), Type.Null()]),
  message_id: Type.Union([Type.String(), Type.Null()]),
  activity_id: NullableNumber,
  created_at: Type.String(),
  updated_at: Type.String(),
  sent_at: NullableTime,
});

export const QueueOutboundEmailBodySchema = Type.Object(
  {
    connection_id: Type.Integer({
      ...RecordNumber,
      description: "The email connection's email_connection_id",
    }),
    lead_id: Type.Optional(Type.Union([RecordNumber, Type.Null()])),
    contact_id: Type.Optional(Type.Union([RecordNumber, Type.Null()])),
    to: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 254, description: "Defaults to the lead's (or contact's) email" }),
        Type.Null(),
      ]),
    ),
    subject: Type.String({ maxLength: EMAIL_LIMITS.subject }),
    html: Type.String({ description: "Sent as given, with a generated plain-text part" }),
  },
  { additionalProperties: false },
);

export const OutboundEmailEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: OutboundEmailSchema,
});

export { ErrorSchema, IdParamsSchema };
