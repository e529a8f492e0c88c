/** Request and response schemas of Axiomatic leads (seed-apis.md 003 rows 22–29). */
import { Type } from "typebox";
import { ACTIVITY_LIMITS, ACTIVITY_TYPES } from "../../../core/activities/activity.types.js";
import { LEAD_LIMITS, LEAD_STATUSES } from "../../../core/leads/lead.types.js";
import { TIMELINE_LIMITS } from "../../../core/leads/lead-timeline.js";
import { STAGE_KINDS } from "../../../core/pipelines/pipeline.types.js";
import { MONEY_MAX } from "../../../core/shared/money.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { EntityQuery, PageQuery, Uuid } from "./common.schemas.js";

const Time = Type.String({ format: "date-time" });

export const LeadSchema = Type.Object({
  id: Uuid(),
  title: Type.String({
    description: "The card's title; for a lead given none, its name, email, phone or company",
  }),
  stageId: Nullable(Uuid()),
  stage: Nullable(
    Type.Object({ id: Uuid(), name: Type.String(), kind: StringEnum(STAGE_KINDS), systemKey: Type.String() }),
  ),
  companyId: Nullable(Uuid()),
  contactId: Nullable(Uuid()),
  ownerUserId: Nullable(Uuid()),
  value: Nullable(Type.Number({ description: "In major units of currency" })),
  currency: Nullable(Type.String()),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  companyName: Nullable(Type.String()),
  status: StringEnum(LEAD_STATUSES, {
    description: "The lead's qualification status (shared with other dialects)",
  }),
  source: Nullable(Type.String()),
  stageChangedAt: Nullable(Time),
  createdAt: Time,
  updatedAt: Time,
});

export const LeadPageSchema = Type.Object({
  leads: Type.Array(LeadSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

const fields = {
  title: Type.String({ minLength: 1, maxLength: LEAD_LIMITS.title }),
  stageId: Uuid("A stage of GET /pipeline-stages; absent on create means the first open stage"),
  stage: Type.String({
    minLength: 1,
    maxLength: 100,
    description: "A stage name or system key, instead of stageId",
  }),
  companyId: Nullable(Uuid("A company of the entity")),
  contactId: Nullable(Uuid("A contact of the entity")),
  ownerUserId: Nullable(Uuid("A user of the entity; null for none")),
  value: Nullable(
    Type.Number({ minimum: 0, maximum: MONEY_MAX, description: "Major units; at most 2 decimals" }),
  ),
  currency: Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217 code (default USD)" }),
  firstName: Nullable(Type.String({ maxLength: LEAD_LIMITS.name })),
  lastName: Nullable(Type.String({ maxLength: LEAD_LIMITS.name })),
  email: Nullable(Type.String({ maxLength: LEAD_LIMITS.email, format: "email" })),
  phone: Nullable(Type.String({ maxLength: LEAD_LIMITS.phone })),
  companyName: Nullable(Type.String({ maxLength: LEAD_LIMITS.companyName })),
  status: StringEnum(LEAD_STATUSES),
  source: Nullable(Type.String({ maxLength: LEAD_LIMITS.source })),
};

const optional = <T extends Record<string, any>>(shape: T) =>
  Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };

export const CreateLeadBodySchema = Type.Object(
  { ...optional(fields), title: fields.title },
  { additionalProperties: false },
);

/** Partial: absent fields stay as they are. */
export const UpdateLeadBodySchema = Type.Object(optional(fields), { additionalProperties: false });

export const ListLeadsQuerySchema = Type.Object(
  {
    ...EntityQuery,
    stageId: Type.Optional(Uuid("Leads in this stage")),
    stage: Type.Optional(
      Type.String({ maxLength: 100, description: "Filter by stage name or legacy system key" }),
    ),
    companyId: Type.Optional(Uuid("Leads of this company")),
    contactId: Type.Optional(Uuid("Leads of this contact")),
    ownerUserId: Type.Optional(Type.String({ maxLength: 40, description: "A user UUID, me or unassigned" })),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: "Search title, name, email, phone, company" }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const MoveLeadBodySchema = Type.Object(
  {
    stageId: Type.Optional(fields.stageId),
    stage: Type.Optional(fields.stage),
  },
  { additionalProperties: false },
);

export const LeadActivityBodySchema = Type.Object(
  {
    type: StringEnum(ACTIVITY_TYPES),
    subject: Type.String({ maxLength: ACTIVITY_LIMITS.subject }),
    description: Type.Optional(Nullable(Type.String({ maxLength: ACTIVITY_LIMITS.description }))),
    assigneeUserId: Type.Optional(Nullable(Uuid("A user of the entity"))),
    dueDate: Type.Optional(Nullable(Type.String({ maxLength: 40, description: "When a task is due" }))),
    durationMinutes: Type.Optional(
      Nullable(Type.Integer({ minimum: ACTIVITY_LIMITS.durationMin, maximum: ACTIVITY_LIMITS.durationMax })),
    ),
    startsAt: Type.Optional(Nullable(Type.String({ maxLength: 40, description: "Meetings only" }))),
    endsAt: Type.Optional(
      Nullable(Type.String({ maxLength: 40, description: "Meetings only; after startsAt" })),
    ),
    completed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const StageRefSchema = Nullable(Type.Object({ id: Uuid(), name: Type.String() }));

export const TimelineItemSchema = Type.Object({
  type: StringEnum(["created", "stage_changed", "activity", "email", "note"] as const),
  at: Time,
  title: Type.Optional(Nullable(Type.String())),
  stageId: Type.Optional(Nullable(Uuid())),
  fromStage: Type.Optional(StageRefSchema),
  toStage: Type.Optional(StageRefSchema),
  activityId: Type.Optional(Nullable(Uuid())),
  activityType: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  description: Type.Optional(Nullable(Type.String())),
  completed: Type.Optional(Type.Boolean()),
  status: Type.Optional(Nullable(Type.String({ description: "Emails: queued, sending, sent or failed" }))),
  emailId: Type.Optional(Nullable(Uuid())),
  to: Type.Optional(Type.String()),
  noteId: Type.Optional(Uuid()),
  content: Type.Optional(Type.String()),
  isPinned: Type.Optional(Type.Boolean()),
});

export const TimelineSchema = Type.Object({
  leadId: Uuid(),
  items: Type.Array(TimelineItemSchema),
});

export const TimelineQuerySchema = Type.Object(
  {
    ...EntityQuery,
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: TIMELINE_LIMITS.max,
        description: `The newest items to return, oldest first (default ${TIMELINE_LIMITS.default})`,
      }),
    ),
  },
  { additionalProperties: false },
);
