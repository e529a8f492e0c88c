/** The only writer of pipelines and stages. Each write commits together with its event. */
import { isUniqueViolation } from "../../db/db-errors.js";
import type { Core, Scope, Trx } from "../core.js";
import { releaseLive } from "../counters.js";
import { conflict, duplicate, notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { countLeadsInStage } from "../leads/lead-stages.js";
import { moveStageLeadsIn } from "../leads/leads.service.js";
import { countInStage } from "../opportunities/opportunities.repository.js";
import { moveStageOpportunitiesIn } from "../opportunities/opportunities.service.js";
import { requireText } from "../shared/validate.js";
import { ensureDefaultPipeline, insertPipelineIn, insertStageIn, type NewStage } from "./default-pipeline.js";
import { checkKey, checkStageInput, keyFromName } from "./pipeline.rules.js";
import {
  DEFAULT_PIPELINE,
  PIPELINE_LIMITS,
  type Pipeline,
  type PipelineInput,
  type PipelineRef,
  type Stage,
  type StageInput,
  type StageRef,
} from "./pipeline.types.js";
import { findDefaultPipeline, findPipeline, findPipelines } from "./pipelines.repository.js";

/** Runs a write, turning a lost race on a unique key into the same DUPLICATE error. */
async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate("key", "this key is already taken");
    throw error;
  }
}

async function requirePipeline(trx: Trx, scope: Scope, ref: PipelineRef): Promise<Pipeline> {
  const pipeline = await findPipeline(trx, scope, ref);
  if (!pipeline) throw notFound("pipeline");
  return pipeline;
}

function requireStage(pipeline: Pipeline, ref: StageRef): Stage {
  const stage = pipeline.stages.find((candidate) =>
    "number" in ref ? candidate.number === ref.number : candidate.id === ref.id,
  );
  if (!stage) throw notFound("stage");
  return stage;
}

/** A pipeline needs an open stage: new opportunities start in one. */
function requireOpenStage(stages: readonly { kind?: string }[], field: string): void {
  if (!stages.some((stage) => stage.kind === "open")) {
    throw validationError(field, "a pipeline needs at least one open stage");
  }
}

/** Rewrites positions to 1..n in the given order (only the rows that move). */
async function renumber(trx: Trx, scope: Scope, ordered: readonly Stage[], at: string): Promise<void> {
  for (const [index, stage] of ordered.entries()) {
    if (stage.position === index + 1) continue;
    await trx
      .updateTable("pipeline_stages")
      .set({ position: index + 1, updated_at: at })
      .where("id", "=", stage.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
  }
}

async function touchPipeline(trx: Trx, scope: Scope, pipeline: Pipeline, at: string): Promise<void> {
  await trx
    .updateTable("pipelines")
    .set({ updated_at: at })
    .where("id", "=", pipeline.id)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
}

/** Re-reads the pipeline and appends `type` with it and the stage the change was about. */
async function afterChange(
  trx: Trx,
  scope: Scope,
  pipeline: Pipeline,
  at: string,
  type: string,
  extra: Record<string, unknown>,
): Promise<Pipeline> {
  await touchPipeline(trx, scope, pipeline, at);
  const after = (await findPipeline(trx, scope, { id: pipeline.id }))!;
  await appendEvent(trx, scope, at, {
    type,
    entityType: "pipeline",
    entityId: pipeline.id,
    data: { ...after, ...extra },
  });
  return after;
}

export async function listPipelines(core: Core, scope: Scope): Promise<Pipeline[]> {
  await ensureDefaultPipeline(core, scope);
  return findPipelines(core.db, scope);
}

export async function getPipeline(core: Core, scope: Scope, ref: PipelineRef): Promise<Pipeline> {
  await ensureDefaultPipeline(core, scope);
  const pipeline = await findPipeline(core.db, scope, ref);
  if (!pipeline) throw notFound("pipeline");
  return pipeline;
}

/** The workspace's default pipeline (the lead board), created first if it has none yet. */
export async function getDefaultPipeline(core: Core, scope: Scope): Promise<Pipeline> {
  await ensureDefaultPipeline(core, scope);
  const pipeline = await findDefaultPipeline(core.db, scope);
  if (!pipeline) throw notFound("pipeline");
  return pipeline;
}

/** A complete new stage from checked input; `taken` holds the keys already in the pipeline. */
function newStage(input: StageInput, taken: Set<string>, prefix: string): NewStage {
  if (input.name === undefined) throw validationError(`${prefix}name`, "is required");
  if (input.kind === undefined) throw validationError(`${prefix}kind`, "is required");
  let key = input.key;
  if (key === undefined) {
    const base = keyFromName(input.name);
    key = base;
    for (let n = 2; taken.has(key); n++) key = `${base.slice(0, PIPELINE_LIMITS.key - 4)}_${n}`;
  } else if (taken.has(key)) {
    throw duplicate(`${prefix}key`, `the pipeline already has a stage "${key}"`);
  }
  taken.add(key);
  return {
    key,
    name: input.name,
    kind: input.kind,
    probability: input.probability ?? (input.kind === "won" ? 100 : 0),
    color: input.color ?? null,
    description: input.description ?? null,
  };
}

/** Creates a pipeline; without stages it gets the default pipeline's stages. */
export async function createPipeline(core: Core, scope: Scope, input: PipelineInput): Promise<Pipeline> {
  const name = requireText("name", input.name, PIPELINE_LIMITS.name);
  const key = input.key === undefined ? keyFromName(name) : checkKey("key", input.key);
  if (input.stages !== undefined && !Array.isArray(input.stages))
    throw validationError("stages", "must be a list");
  if (input.stages && input.stages.length > PIPELINE_LIMITS.stagesPerPipeline) {
    throw validationError("stages", `must have at most ${PIPELINE_LIMITS.stagesPerPipeline} stages`);
  }
  const taken = new Set<string>();
  const stages: NewStage[] =
    input.stages === undefined
      ? DEFAULT_PIPELINE.stages.map((stage) => ({ ...stage }))
      : input.stages.map((stage, index) =>
          newStage(checkStageInput(stage, `stages.${index}.`), taken, `stages.${index}.`),
        );
  requireOpenStage(stages, "stages");
  await ensureDefaultPipeline(core, scope);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("pipelines")
        .select("id")
        .where("workspace_id", "=", scope.workspaceId)
        .where("key", "=", key)
        .executeTakeFirst();
      if (clash) throw duplicate("key", `a pipeline with key "${key}" already exists`);
      return insertPipelineIn(trx, scope, { key, name, isDefault: false, stages }, at);
    }),
  );
}

/** Adds a stage at `position` (1-based; absent or past the end means last). */
export async function addStage(
  core: Core,
  scope: Scope,
  pipelineRef: PipelineRef,
  rawInput: StageInput,
): Promise<{ pipeline: Pipeline; stage: Stage }> {
  const input = checkStageInput(rawInput);
  await ensureDefaultPipeline(core, scope);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const pipeline = await requirePipeline(trx, scope, pipelineRef);
      if (pipeline.stages.length >= PIPELINE_LIMITS.stagesPerPipeline) {
        throw validationError("stages", `a pipeline has at most ${PIPELINE_LIMITS.stagesPerPipeline} stages`);
      }
      const fields = newStage(input, new Set(pipeline.stages.map((s) => s.key)), "");
      const index = Math.min((input.position ?? pipeline.stages.length + 1) - 1, pipeline.stages.length);
      const stage = await insertStageIn(trx, scope, pipeline.id, fields, index + 1, at);
      // Make room: every stage from the new one's place moves one down.
      const ordered = [...pipeline.stages];
      ordered.splice(index, 0, stage);
      await renumber(trx, scope, ordered, at);
      const after = await afterChange(trx, scope, pipeline, at, "pipeline.stage_created", { stage });
      return { pipeline: after, stage };
    }),
  );
}

export async function updateStage(
  core: Core,
  scope: Scope,
  pipelineRef: PipelineRef,
  stageRef: StageRef,
  rawInput: StageInput,
): Promise<{ pipeline: Pipeline; stage: Stage }> {
  const input = checkStageInput(rawInput);
  await ensureDefaultPipeline(core, scope);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const pipeline = await requirePipeline(trx, scope, pipelineRef);
      const stage = requireStage(pipeline, stageRef);
      if (
        input.key !== undefined &&
        input.key !== stage.key &&
        pipeline.stages.some((s) => s.key === input.key)
      ) {
        throw duplicate("key", `the pipeline already has a stage "${input.key}"`);
      }
      if (input.kind !== undefined && input.kind !== stage.kind) {
        requireOpenStage(
          pipeline.stages.map((s) => (s.id === stage.id ? { kind: input.kind } : s)),
          "kind",
        );
        if ((await countInStage(trx, scope, stage.id)) > 0) {
          throw conflict("the stage holds opportunities; move them before changing its kind", "kind");
        }
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const update: Record<string, unknown> = {};
      for (const field of ["name", "key", "kind", "probability", "color", "description"] as const) {
        if (input[field] === undefined || input[field] === stage[field]) continue;
        changes[field] = { from: stage[field], to: input[field] };
        update[field] = input[field];
      }
      if (Object.keys(update).length > 0) {
        await trx
          .updateTable("pipeline_stages")
          .set({ ...update, updated_at: at })
          .where("id", "=", stage.id)
          .where("workspace_id", "=", scope.workspaceId)
          .execute();
      }
      if (input.position !== undefined && input.position !== stage.position) {
        const others = pipeline.stages.filter((s) => s.id !== stage.id);
        const index = Math.min(input.position - 1, others.length);
        others.splice(index, 0, stage);
        changes.position = { from: stage.position, to: index + 1 };
        await renumber(trx, scope, others, at);
      }
      if (Object.keys(changes).length === 0) return { pipeline, stage };
      if (changes.key) {
        // Search documents of opportunities carry the stage key.
        await trx
          .updateTable("search_documents")
          .set({ body: input.key!, updated_at: at })
          .where("workspace_id", "=", scope.workspaceId)
          .where("entity_type", "=", "opportunity")
          .where("entity_id", "in", (eb) =>
            eb
              .selectFrom("opportunities")
              .select("opportunities.id")
              .where("opportunities.workspace_id", "=", scope.workspaceId)
              .where("opportunities.stage_id", "=", stage.id),
          )
          .execute();
      }
      const after = await afterChange(trx, scope, pipeline, at, "pipeline.stage_updated", {
        stage_id: stage.id,
        changes,
      });
      return { pipeline: after, stage: after.stages.find((s) => s.id === stage.id)! };
    }),
  );
}

/** Puts the stages in the given order; the list must name every stage of the pipeline once. */
export async function reorderStages(
  core: Core,
  scope: Scope,
  pipelineRef: PipelineRef,
  order: readonly StageRef[],
): Promise<Pipeline> {
  if (!Array.isArray(order)) throw validationError("stageIds", "must be a list of stage ids");
  await ensureDefaultPipeline(core, scope);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const pipeline = await requirePipeline(trx, scope, pipelineRef);
    const seen = new Set<string>();
    const ordered: Stage[] = [];
    for (const ref of order) {
      const stage = pipeline.stages.find((s) =>
        "number" in ref ? s.number === ref.number : s.id === ref.id,
      );
      const shown = "number" in ref ? ref.number : ref.id;
      if (!stage) throw validationError("stageIds", `${shown} is not a stage of this pipeline`);
      if (seen.has(stage.id)) throw validationError("stageIds", `lists stage ${shown} more than once`);
      seen.add(stage.id);
      ordered.push(stage);
    }
    if (ordered.length !== pipeline.stages.length) {
      throw validationError(
        "stageIds",
        `must list every stage of the pipeline (${pipeline.stages.length}) exactly once`,
      );
    }
    if (ordered.every((stage, index) => stage.position === index + 1)) return pipeline;
    await renumber(trx, scope, ordered, at);
    return afterChange(trx, scope, pipeline, at, "pipeline.stages_reordered", {
      from: pipeline.stages.map((s) => s.key),
    });
  });
}

/**
 * Deletes a stage. Leads and opportunities still in it move to `moveTo` in the same transaction;
 * without `moveTo` a stage that holds live ones cannot go (CONFLICT).
 */
export async function deleteStage(
  core: Core,
  scope: Scope,
  pipelineRef: PipelineRef,
  stageRef: StageRef,
  moveTo?: StageRef,
): Promise<{ pipeline: Pipeline; stage: Stage; moved: number; movedLeads: number }> {
  await ensureDefaultPipeline(core, scope);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const pipeline = await requirePipeline(trx, scope, pipelineRef);
    const stage = requireStage(pipeline, stageRef);
    const remaining = pipeline.stages.filter((s) => s.id !== stage.id);
    requireOpenStage(remaining, "stage");
    let target: Stage | undefined;
    if (moveTo !== undefined) {
      target = remaining.find((s) => ("number" in moveTo ? s.number === moveTo.number : s.id === moveTo.id));
      if (!target) throw validationError("moveTo", "must be another stage of the same pipeline");
    }
    const [opportunities, leads] = await Promise.all([
      countInStage(trx, scope, stage.id),
      countLeadsInStage(trx, scope, stage.id),
    ]);
    if (opportunities + leads > 0 && !target) {
      const held = [
        leads > 0 ? `${leads} leads` : "",
        opportunities > 0 ? `${opportunities} opportunities` : "",
      ].filter(Boolean);
      throw conflict(`the stage holds ${held.join(" and ")}; name another stage to move them to`, "moveTo");
    }
    // Deleted records still point at the stage; they follow the move, or go to the first stage left.
    const destination = target ?? remaining[0]!;
    const moved = await moveStageOpportunitiesIn(trx, scope, stage, destination, at);
    const movedLeads = await moveStageLeadsIn(trx, scope, stage, destination, at);
    await trx
      .deleteFrom("pipeline_stages")
      .where("id", "=", stage.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await releaseLive(trx, scope.workspaceId, "pipeline_stages");
    await renumber(trx, scope, remaining, at);
    const after = await afterChange(trx, scope, pipeline, at, "pipeline.stage_deleted", {
      stage,
      moved_to: target?.key ?? null,
      moved,
      moved_leads: movedLeads,
    });
    return { pipeline: after, stage, moved, movedLeads };
  });
}
