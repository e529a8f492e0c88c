/** Renders core pipelines and stages in Valethon's shape. */
import type { Pipeline, Stage } from "../../../core/pipelines/pipeline.types.js";
import { renderTime } from "./envelope.js";

export function renderStage(stage: Stage) {
  return {
    stage_id: stage.number,
    uuid: stage.id,
    key: stage.key,
    name: stage.name,
    kind: stage.kind,
    position: stage.position,
    probability: stage.probability,
    color: stage.color,
    description: stage.description,
  };
}

export function renderPipeline(pipeline: Pipeline) {
  return {
    pipeline_id: pipeline.number,
    uuid: pipeline.id,
    key: pipeline.key,
    name: pipeline.name,
    is_default: pipeline.isDefault,
    stages: pipeline.stages.map(renderStage),
    created_at: renderTime(pipeline.createdAt),
    updated_at: renderTime(pipeline.updatedAt),
  };
}
