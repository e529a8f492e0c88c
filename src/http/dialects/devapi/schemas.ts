/** The Developer API's response schemas (for the OpenAPI document; lists are streamed as is). */
import { Type } from "typebox";
import { CONVERSATION_STATUSES } from "../../../core/conversations/conversation.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";

const Uuid = Type.String({ format: "uuid" });
const Time = Type.String({ format: "date-time", description: "ISO 8601, UTC, whole seconds" });

export const ErrorSchema = Type.Object({ error: Type.String() });

export const ERRORS = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  429: ErrorSchema,
  500: ErrorSchema,
};

export const CompanyIdQuery = Type.Object({
  companyId: Type.Optional(
    Type.String({ maxLength: 64, description: "Only the records of this company (its UUID)" }),
  ),
});

export const CompanySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  website: Nullable(Type.String()),
  industry: Nullable(Type.String()),
  dealValue: Type.Number({ description: "Sum of the company's open opportunities, major units" }),
  stageId: Nullable(Uuid),
  position: Nullable(Type.Integer({ description: "Position of stageId in its pipeline (1 = first)" })),
  logoUrl: Nullable(Type.String({ description: "Always null: Kith stores no logos" })),
  notes: Nullable(Type.String()),
  lastContact: Nullable(Time),
  isCustomer: Type.Boolean(),
  createdBy: Nullable(Uuid),
  createdAt: Time,
  updatedAt: Time,
});

export const ContactSchema = Type.Object({
  id: Uuid,
  companyId: Nullable(Uuid),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  title: Nullable(Type.String()),
  role: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  isPrimary: Type.Boolean(),
  userId: Nullable(Uuid),
  createdAt: Time,
  updatedAt: Time,
});

export const ConversationSchema = Type.Object({
  id: Uuid,
  companyId: Nullable(Uuid),
  visitorName: Nullable(Type.String()),
  visitorEmail: Nullable(Type.String()),
  visitorIp: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  referrerUrl: Nullable(Type.String()),
  pageUrl: Nullable(Type.String()),
  status: StringEnum(CONVERSATION_STATUSES),
  assignedToUserId: Nullable(Uuid),
  isRead: Type.Boolean(),
  trustUploads: Type.Boolean({ description: "Always false: Kith does not accept visitor uploads" }),
  tags: Type.Array(Type.String()),
  lastMessageAt: Nullable(Time),
  createdAt: Time,
  updatedAt: Time,
});
