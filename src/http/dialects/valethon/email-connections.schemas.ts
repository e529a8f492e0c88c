/** Request and response schemas of Kith's Valethon-convention email connection endpoints. */
import { Type } from "typebox";
import { CONNECTION_STATUSES, EMAIL_CHANNELS, EMAIL_LIMITS } from "../../../core/email/email.types.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

const Time = Type.String({ description: "ISO 8601 UTC" });
const literals = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));

export const EmailConnectionSchema = Type.Object({
  email_connection_id: Type.Integer(),
  uuid: Type.String({ description: "The connection's UUID (what the Axiomatic API shows)" }),
  channel: Type.String(),
  name: Type.String(),
  from_email: Type.String(),
  from_name: Type.Union([Type.String(), Type.Null()]),
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean({ description: "TLS from the first byte (port 465); false: STARTTLS when offered" }),
  username: Type.Union([Type.String(), Type.Null()]),
  has_password: Type.Boolean({ description: "The password itself is write-only" }),
  status: Type.String(),
  created_at: Time,
  updated_at: Time,
});

const fields = {
  channel: literals(EMAIL_CHANNELS),
  name: Type.String({ maxLength: EMAIL_LIMITS.name }),
  from_email: Type.String({ maxLength: 254 }),
  from_name: Type.Union([Type.String({ maxLength: EMAIL_LIMITS.fromName }), Type.Null()]),
  host: Type.String({ maxLength: EMAIL_LIMITS.host }),
  port: Type.Integer(),
  secure: Type.Boolean(),
  username: Type.Union([Type.String({ maxLength: EMAIL_LIMITS.username }), Type.Null()]),
  password: Type.Union([
    Type.String({ maxLength: EMAIL_LIMITS.password, description: "Write-only; stored encrypted" }),
    Type.Null(),
  ]),
  status: literals(CONNECTION_STATUSES),
};

export const CreateEmailConnectionBodySchema = Type.Object(
  {
    channel: fields.channel,
    name: fields.name,
    from_email: fields.from_email,
    from_name: Type.Optional(fields.from_name),
    host: fields.host,
    port: fields.port,
    secure: Type.Optional(fields.secure),
    username: Type.Optional(fields.username),
    password: Type.Optional(fields.password),
    status: Type.Optional(fields.status),
  },
  { additionalProperties: false },
);

export const UpdateEmailConnectionBodySchema = Type.Object(
  Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])) as {
    [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>;
  },
  { additionalProperties: false },
);

export const EmailConnectionEnvelopeSchema = Type.Object({
  success: Type.Literal(true),
  data: EmailConnectionSchema,
});
export const EmailConnectionListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(EmailConnectionSchema),
});
export const DeletedEmailConnectionSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ email_connection_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
