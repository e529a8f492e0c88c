/** Renders the default pipeline's stages as Axiomatic's lead board, and Axiomatic's stage fields as core input. */
import type { Stage, StageInput } from "../../../core/pipelines/pipeline.types.js";

export function renderStage(stage: Stage, leadCounts: ReadonlyMap<string, number>) {
  return {
    id: stage.id,
    name: stage.name,
    kind: stage.kind,
    sortOrder: stage.position - 1,
    defaultProbabilityPct: stage.probability,
    colorKey: stage.color,
    systemKey: stage.key,
    leadCount: leadCounts.get(stage.id) ?? 0,
  };
}

export interface AxiomaticStageBody {
  name?: string;
  kind?: Stage["kind"];
  defaultProbabilityPct?: number;
  colorKey?: string | null;
  systemKey?: string;
  sortOrder?: number;
}

export function stageInputFrom(body: AxiomaticStageBody): StageInput {
  return {
    name: body.name,
    kind: body.kind,
    probability: body.defaultProbabilityPct,
    color: body.colorKey,
    key: body.systemKey,
    position: body.sortOrder === undefined ? undefined : body.sortOrder + 1,
  };
}
