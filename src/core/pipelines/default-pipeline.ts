/**
 * Writing pipelines with their stages, and the default pipeline every workspace has: created with
 * the workspace, or on first use for a workspace that predates pipelines.
 */
import { isUniqueViolation } from "../../db/db-errors.js";
import type { Core, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { DEFAULT_PIPELINE, type Pipeline, type Stage, type StageKind } from "./pipeline.types.js";
import { findDefaultPipeline } from "./pipelines.repository.js";

export interface NewStage {
  key: string;
  name: string;
  kind: StageKind;
  probability: number;
  color: string | null;
  description: string | null;
}

/** Inserts one stage row at `position` (the caller keeps positions contiguous). */
export async function insertStageIn(
  trx: Trx,
  scope: Scope,
  pipelineId: string,
  stage: NewStage,
  position: number,
  at: string,
): Promise<Stage> {
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "pipeline_stages");
  await trx
    .insertInto("pipeline_stages")
    .values({
      id,
      workspace_id: scope.workspaceId,
      pipeline_id: pipelineId,
      seq,
      key: stage.key,
      name: stage.name,
      kind: stage.kind,
      position,
      probability: stage.probability,
      color: stage.color,
      description: stage.description,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return { id, number: seq, pipelineId, ...stage, position, createdAt: at, updatedAt: at };
}

/** Inserts a pipeline and its stages (in the given order) and appends `pipeline.created`. */
export async function insertPipelineIn(
  trx: Trx,
  scope: Scope,
  input: { key: string; name: string; isDefault: boolean; stages: readonly NewStage[] },
  at: string,
): Promise<Pipeline> {
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "pipelines");
  await trx
    .insertInto("pipelines")
    .values({
      id,
      workspace_id: scope.workspaceId,
      seq,
      key: input.key,
      name: input.name,
      is_default: input.isDefault ? 1 : 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const stages: Stage[] = [];
  for (const [index, stage] of input.stages.entries()) {
    stages.push(await insertStageIn(trx, scope, id, stage, index + 1, at));
  }
  const pipeline: Pipeline = {
    id,
    number: seq,
    key: input.key,
    name: input.name,
    isDefault: input.isDefault,
    stages,
    createdAt: at,
    updatedAt: at,
  };
  await appendEvent(trx, scope, at, {
    type: "pipeline.created",
    entityType: "pipeline",
    entityId: id,
    data: { ...pipeline },
  });
  return pipeline;
}

/** Creates the default pipeline; the caller's transaction (a new workspace's, say) holds it. */
export function createDefaultPipelineIn(trx: Trx, scope: Scope, at: string): Promise<Pipeline> {
  return insertPipelineIn(
    trx,
    scope,
    {
      key: DEFAULT_PIPELINE.key,
      name: DEFAULT_PIPELINE.name,
      isDefault: true,
      stages: DEFAULT_PIPELINE.stages,
    },
    at,
  );
}

/** The workspace's default pipeline, created inside `trx` if it has none yet. */
export async function ensureDefaultPipelineIn(trx: Trx, scope: Scope, at: string): Promise<Pipeline> {
  return (await findDefaultPipeline(trx, scope)) ?? createDefaultPipelineIn(trx, scope, at);
}

/** Workspaces known to have a default pipeline; it can't be deleted, so the knowledge stays true. */
const knownDefaults = new WeakMap<Core, Set<string>>();

/** Makes sure the workspace has its default pipeline (for workspaces created before pipelines). */
export async function ensureDefaultPipeline(core: Core, scope: Scope): Promise<void> {
  let known = knownDefaults.get(core);
  if (!known) {
    known = new Set();
    knownDefaults.set(core, known);
  }
  if (known.has(scope.workspaceId)) return;
  if (!(await findDefaultPipeline(core.db, scope))) {
    const at = core.clock.now().toISOString();
    try {
      await core.db.transaction().execute(async (trx) => {
        await ensureDefaultPipelineIn(trx, { ...scope, actor: "system" }, at);
      });
    } catch (error) {
      // Another request created it at the same moment.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  known.add(scope.workspaceId);
}
