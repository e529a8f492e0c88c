/** CRMLead Pro `GET /pipelines`: every pipeline of the workspace with its stages, in order. */
import { Type } from "typebox";
import type { Pipeline } from "../../../core/pipelines/pipeline.types.js";
import { listPipelines } from "../../../core/pipelines/pipelines.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId } from "./ids.js";

const StageSchema = Type.Object({
  id: Type.String(),
  uuid: Type.String({ format: "uuid" }),
  key: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: "open, won or lost" }),
  position: Type.Integer({ description: "From 1" }),
  probability: Type.Integer(),
});

const PipelineSchema = Type.Object({
  id: Type.String(),
  uuid: Type.String({ format: "uuid" }),
  key: Type.String(),
  name: Type.String(),
  is_default: Type.Boolean({ description: "Leads stand in the default pipeline" }),
  stages: Type.Array(StageSchema),
});

export function renderPipeline(pipeline: Pipeline) {
  return {
    id: publicId("pipeline", pipeline.id),
    uuid: pipeline.id,
    key: pipeline.key,
    name: pipeline.name,
    is_default: pipeline.isDefault,
    stages: pipeline.stages.map((stage) => ({
      id: publicId("stage", stage.id),
      uuid: stage.id,
      key: stage.key,
      name: stage.name,
      kind: stage.kind,
      position: stage.position,
      probability: stage.probability,
    })),
  };
}

export async function pipelinesRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  app.get(
    "/pipelines",
    {
      config: { permission: "opportunities:read" },
      schema: {
        tags: ["Pipelines"],
        summary: "List all pipelines and their stages",
        response: { 200: Type.Object({ data: Type.Array(PipelineSchema) }), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({ data: (await listPipelines(core, scopeOf(request))).map(renderPipeline) }),
  );
}
