/** Request and response schemas of Axiomatic pipeline stages (seed-apis.md 003 rows 17–21). */
import { Type } from "typebox";
import { PIPELINE_LIMITS, STAGE_KINDS } from "../../../core/pipelines/pipeline.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { Uuid } from "./common.schemas.js";

/** Field for field the documented `GET /pipeline-stages` item, in its order. */
export const StageSchema = Type.Object({
  id: Uuid(),
  name: Type.String(),
  kind: StringEnum(STAGE_KINDS),
  sortOrder: Type.Integer({ description: "Place on the board, from 0" }),
  defaultProbabilityPct: Type.Integer({ minimum: 0, maximum: 100 }),
  colorKey: Nullable(Type.String()),
  systemKey: Type.String({ description: "Stable key, e.g. demo_scheduled; also a lead filter" }),
  leadCount: Type.Integer({ description: "Live leads in the stage" }),
});

export const StageListSchema = Type.Object({ stages: Type.Array(StageSchema) });

const fields = {
  name: Type.String({ minLength: 1, maxLength: PIPELINE_LIMITS.name }),
  kind: StringEnum(STAGE_KINDS, { description: "open (default), won or lost" }),
  defaultProbabilityPct: Type.Integer({ minimum: 0, maximum: 100 }),
  colorKey: Nullable(Type.String({ maxLength: PIPELINE_LIMITS.color })),
  systemKey: Type.String({
    maxLength: PIPELINE_LIMITS.key,
    description: "Lowercase letters, digits and underscores; made from the name when absent",
  }),
  sortOrder: Type.Integer({ minimum: 0, description: "Place on the board, from 0; absent means last" }),
};

export const CreateStageBodySchema = Type.Object(
  {
    name: fields.name,
    kind: Type.Optional(fields.kind),
    defaultProbabilityPct: Type.Optional(fields.defaultProbabilityPct),
    colorKey: Type.Optional(fields.colorKey),
    systemKey: Type.Optional(fields.systemKey),
    sortOrder: Type.Optional(fields.sortOrder),
  },
  { additionalProperties: false },
);

/** Partial: absent fields stay as they are. */
export const UpdateStageBodySchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    kind: Type.Optional(fields.kind),
    defaultProbabilityPct: Type.Optional(fields.defaultProbabilityPct),
    colorKey: Type.Optional(fields.colorKey),
    systemKey: Type.Optional(fields.systemKey),
    sortOrder: Type.Optional(fields.sortOrder),
  },
  { additionalProperties: false },
);

export const ReorderStagesBodySchema = Type.Object(
  {
    stageIds: Type.Array(Uuid(), {
      maxItems: PIPELINE_LIMITS.stagesPerPipeline,
      description: "Every stage id of the board exactly once, in the new order",
    }),
  },
  { additionalProperties: false },
);

export const DeleteStageBodySchema = Type.Union([
  Type.Object(
    {
      moveLeadsToStageId: Type.Optional(
        Uuid("Required while the stage holds leads: the stage that takes them (and any opportunities)"),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
