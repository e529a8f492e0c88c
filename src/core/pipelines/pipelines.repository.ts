/**
 * Pipeline and stage queries. Every read filters by the workspace, so no query path here can reach
 * another workspace's pipelines. Pipelines and stages are few per workspace: they are read whole.
 */
import type { PipelineStageTable, PipelineTable } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import type { Pipeline, PipelineRef, Stage, StageKind } from "./pipeline.types.js";

type PipelineRow = Pick<
  PipelineTable,
  "id" | "seq" | "key" | "name" | "is_default" | "created_at" | "updated_at"
>;

const STAGE_COLUMNS = [
  "id",
  "seq",
  "pipeline_id",
  "key",
  "name",
  "kind",
  "position",
  "probability",
  "color",
  "description",
  "created_at",
  "updated_at",
] as const;

type StageRow = Pick<PipelineStageTable, (typeof STAGE_COLUMNS)[number]>;

export function toStage(row: StageRow): Stage {
  return {
    id: row.id,
    number: Number(row.seq),
    pipelineId: row.pipeline_id,
    key: row.key,
    name: row.name,
    kind: row.kind as StageKind,
    position: Number(row.position),
    probability: Number(row.probability),
    color: row.color,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toPipeline(row: PipelineRow, stages: Stage[]): Pipeline {
  return {
    id: row.id,
    number: Number(row.seq),
    key: row.key,
    name: row.name,
    isDefault: Number(row.is_default) === 1,
    stages,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function selectPipelines(db: Executor, workspaceId: string) {
  return db
    .selectFrom("pipelines")
    .select(["id", "seq", "key", "name", "is_default", "created_at", "updated_at"])
    .where("workspace_id", "=", workspaceId);
}

async function withStages(db: Executor, scope: Scope, rows: PipelineRow[]): Promise<Pipeline[]> {
  if (rows.length === 0) return [];
  const stageRows = await db
    .selectFrom("pipeline_stages")
    .select(STAGE_COLUMNS)
    .where("workspace_id", "=", scope.workspaceId)
    .where(
      "pipeline_id",
      "in",
      rows.map((row) => row.id),
    )
    .orderBy("position")
    .orderBy("seq")
    .execute();
  return rows.map((row) =>
    toPipeline(row, stageRows.filter((stage) => stage.pipeline_id === row.id).map(toStage)),
  );
}

/** Every pipeline of the workspace, the default first, then by number. */
export async function findPipelines(db: Executor, scope: Scope): Promise<Pipeline[]> {
  const rows = await selectPipelines(db, scope.workspaceId)
    .orderBy("is_default", "desc")
    .orderBy("seq")
    .execute();
  return withStages(db, scope, rows);
}

export async function findPipeline(db: Executor, scope: Scope, ref: PipelineRef): Promise<Pipeline | null> {
  let query = selectPipelines(db, scope.workspaceId);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  return row ? ((await withStages(db, scope, [row]))[0] ?? null) : null;
}

export async function findDefaultPipeline(db: Executor, scope: Scope): Promise<Pipeline | null> {
  const row = await selectPipelines(db, scope.workspaceId).where("is_default", "=", 1).executeTakeFirst();
  return row ? ((await withStages(db, scope, [row]))[0] ?? null) : null;
}

/** Stages of the workspace by id, for rendering records that point at them. */
export async function findStagesById(
  db: Executor,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, Stage>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("pipeline_stages")
    .select(STAGE_COLUMNS)
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((row) => [row.id, toStage(row)]));
}

/** The stage ids of the workspace with this key, in any pipeline (list filters by stage key). */
export async function findStageIdsByKey(db: Executor, scope: Scope, key: string): Promise<string[]> {
  const rows = await db
    .selectFrom("pipeline_stages")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("key", "=", key)
    .execute();
  return rows.map((row) => row.id);
}

/** The first stage of `kind` by position, if the pipeline has one. */
export const firstStageOfKind = (pipeline: Pipeline, kind: StageKind): Stage | undefined =>
  pipeline.stages.find((stage) => stage.kind === kind);
