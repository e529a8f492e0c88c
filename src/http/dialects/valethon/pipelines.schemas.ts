/** Request and response schemas of the Valethon pipelines endpoints (a Kith extension). */
import { Type } from "typebox";
import { PIPELINE_LIMITS, STAGE_KINDS } from "../../../core/pipelines/pipeline.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema } from "./common.schemas.js";

const Number32 = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Key = Type.String({
  pattern: "^[a-z0-9][a-z0-9_]*$",
  maxLength: PIPELINE_LIMITS.key,
  description: "Lowercase letters, digits and underscores; default: made from the name",
});

export const StageSchema = Type.Object({
  stage_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  key: Type.String(),
  name: Type.String(),
  kind: StringEnum(STAGE_KINDS),
  position: Type.Integer(),
  probability: Type.Integer(),
  color: Nullable(Type.String()),
  description: Nullable(Type.String()),
});

export const PipelineSchema = Type.Object({
  pipeline_id: Type.Integer(),
  uuid: Type.String({ description: "The record's UUID, the same in every dialect" }),
  key: Type.String(),
  name: Type.String(),
  is_default: Type.Boolean(),
  stages: Type.Array(StageSchema),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const stageFields = {
  name: Type.String({ minLength: 1, maxLength: PIPELINE_LIMITS.name }),
  key: Key,
  kind: StringEnum(STAGE_KINDS),
  probability: Type.Integer({ minimum: 0, maximum: 100 }),
  color: Nullable(Type.String({ maxLength: PIPELINE_LIMITS.color })),
  description: Nullable(Type.String({ maxLength: PIPELINE_LIMITS.description })),
  position: Type.Integer({ minimum: 1, maximum: 1000, description: "1-based; default: last" }),
};

export const CreateStageBodySchema = Type.Object(
  {
    name: stageFields.name,
    key: Type.Optional(stageFields.key),
    kind: stageFields.kind,
    probability: Type.Optional(stageFields.probability),
    color: Type.Optional(stageFields.color),
    description: Type.Optional(stageFields.description),
    position: Type.Optional(stageFields.position),
  },
  { additionalProperties: false },
);

export const UpdateStageBodySchema = Type.Object(
  {
    name: Type.Optional(stageFields.name),
    key: Type.Optional(stageFields.key),
    kind: Type.Optional(stageFields.kind),
    probability: Type.Optional(stageFields.probability),
    color: Type.Optional(stageFields.color),
    description: Type.Optional(stageFields.description),
    position: Type.Optional(stageFields.position),
  },
  { additionalProperties: false },
);

export const CreatePipelineBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: PIPELINE_LIMITS.name }),
    key: Type.Optional(Key),
    stages: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: stageFields.name,
            key: Type.Optional(stageFields.key),
            kind: stageFields.kind,
            probability: Type.Optional(stageFields.probability),
            color: Type.Optional(stageFields.color),
            description: Type.Optional(stageFields.description),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: PIPELINE_LIMITS.stagesPerPipeline,
          description: "Default: the sales pipeline's stages",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ReorderStagesBodySchema = Type.Object(
  { stage_ids: Type.Array(Number32("A stage id"), { maxItems: PIPELINE_LIMITS.stagesPerPipeline }) },
  { additionalProperties: false },
);

export const StageParamsSchema = Type.Object({
  id: Number32("The pipeline's number in the workspace"),
  stage_id: Number32("The stage's number in the workspace"),
});

export const DeleteStageQuerySchema = Type.Object(
  { move_to: Type.Optional(Number32("The stage that takes over the deleted stage's opportunities")) },
  { additionalProperties: false },
);

export const PipelineEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: PipelineSchema });
export const PipelineListSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(PipelineSchema),
});
export const StageEnvelopeSchema = Type.Object({ success: Type.Literal(true), data: StageSchema });
export const DeletedStageSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    stage_id: Type.Integer(),
    deleted: Type.Literal(true),
    moved_to: Nullable(Type.Integer()),
    moved_opportunities: Type.Integer(),
    moved_leads: Type.Integer({ description: "Kith extension: leads moved with the stage's opportunities" }),
  }),
});

export { ErrorSchema, IdParamsSchema };
