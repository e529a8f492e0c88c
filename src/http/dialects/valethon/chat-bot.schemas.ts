/** Request and response schemas of the bot-intent endpoints (`/widget/intents`). */
import { Type } from "typebox";
import { INTENT_LIMITS } from "../../../core/chat-bot/intent.types.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

export const IntentSchema = Type.Object({
  intent_id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  keywords: Type.Array(Type.String()),
  phrases: Type.Array(Type.String()),
  reply: Type.String(),
  suggested_actions: Type.Array(Type.String()),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Terms = (description: string) =>
  Type.Array(Type.String({ maxLength: INTENT_LIMITS.term }), {
    maxItems: INTENT_LIMITS.termsPerList,
    description,
  });

const fields = {
  name: Type.String({ minLength: 1, maxLength: INTENT_LIMITS.name }),
  keywords: Terms("Single words; matched case- and accent-insensitively, plurals in -s/-es included"),
  phrases: Terms("Word sequences matched as a whole, case- and accent-insensitively"),
  reply: Type.String({ minLength: 1, maxLength: INTENT_LIMITS.reply }),
  suggested_actions: Type.Array(Type.String({ maxLength: INTENT_LIMITS.action }), {
    maxItems: INTENT_LIMITS.actions,
    description:
      'Buttons under the reply; "Check service status", "Create ticket" and "Talk to a human" are actions the bot performs',
  }),
  priority: Type.Integer({
    minimum: INTENT_LIMITS.priorityMin,
    maximum: INTENT_LIMITS.priorityMax,
    description: "Among matching intents the highest wins (default 0)",
  }),
  enabled: Type.Boolean(),
};

export const CreateIntentBodySchema = Type.Object(
  {
    name: fields.name,
    keywords: Type.Optional(fields.keywords),
    phrases: Type.Optional(fields.phrases),
    reply: fields.reply,
    suggested_actions: Type.Optional(fields.suggested_actions),
    priority: Type.Optional(fields.priority),
    enabled: Type.Optional(fields.enabled),
  },
  { additionalProperties: false, description: "At least one keyword or phrase." },
);

export const UpdateIntentBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    keywords: Type.Optional(fields.keywords),
    phrases: Type.Optional(fields.phrases),
    reply: Type.Optional(fields.reply),
    suggested_actions: Type.Optional(fields.suggested_actions),
    priority: Type.Optional(fields.priority),
    enabled: Type.Optional(fields.enabled),
  },
  { additionalProperties: false },
);

export const IntentEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: IntentSchema });
export const IntentListSchema = Type.Object({ success: Type.Literal(true), data: Type.Array(IntentSchema) });
export const DeletedIntentSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ intent_id: Type.Integer(), deleted: Type.Literal(true) }),
});

export { ErrorSchema, IdParamsSchema };
