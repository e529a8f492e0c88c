/** Request and response schemas of Axiomatic outbound email (seed-apis.md 003 rows 33–34). */
import { Type } from "typebox";
import { EMAIL_CHANNELS, EMAIL_LIMITS } from "../../../core/email/email.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { Uuid } from "./common.schemas.js";

const html = Type.String({ description: "The HTML body; a plain-text part is generated from it" });

export const QueueEmailBodySchema = Type.Object(
  {
    connectionId: Uuid("The email connection (mailbox) to send through"),
    leadId: Type.Optional(Nullable(Uuid("The lead written to; its email is the default recipient"))),
    contactId: Type.Optional(Nullable(Uuid("A contact instead of a lead"))),
    channel: Type.Optional(
      StringEnum(EMAIL_CHANNELS, { description: "When given, must be the connection's channel" }),
    ),
    to: Type.Optional(Nullable(Type.String({ maxLength: 254, description: "Overrides the recipient" }))),
    subject: Type.String({ maxLength: EMAIL_LIMITS.subject }),
    htmlBody: Type.Optional(html),
    html: Type.Optional(Type.String({ description: "Same as htmlBody (read when htmlBody is absent)" })),
  },
  { additionalProperties: false },
);

export const QueuedEmailSchema = Type.Object({
  id: Uuid(),
  status: Type.String({ description: "queued, sending, sent or failed" }),
});

export const ConnectionListSchema = Type.Object({
  connections: Type.Array(
    Type.Object({
      id: Uuid(),
      channel: Type.String(),
      name: Type.String(),
      email: Type.String({ description: "The address messages are sent from" }),
      status: Type.String({ description: "active or disabled" }),
    }),
  ),
});
