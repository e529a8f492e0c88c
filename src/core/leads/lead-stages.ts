/**
 * Where leads stand in the workspace's default pipeline: resolving a stage a caller names, and
 * recording each move, which lead timelines read back (events are pruned; moves are kept).
 */
import { sql } from "kysely";
import { prepared } from "../../db/prepared.js";
import type { Executor, Scope, Trx } from "../core.js";
import { validationError } from "../errors.js";
import { newId } from "../ids.js";
import { ensureDefaultPipelineIn } from "../pipelines/default-pipeline.js";
import type { StageKind } from "../pipelines/pipeline.types.js";
import type { LeadStageRef } from "./lead.types.js";
import { readStageTotals } from "./lead-stage-totals.js";

export interface LeadStage {
  id: string;
  name: string;
  kind: StageKind;
}

function defaultPipelineStages(db: Executor, workspaceId: string) {
  return db
    .selectFrom("pipeline_stages as s")
    .innerJoin("pipelines as p", "p.id", "s.pipeline_id")
    .select(["s.id", "s.name", "s.kind"])
    .where("p.workspace_id", "=", workspaceId)
    .where("p.is_default", "=", 1);
}

const firstOpenStage = prepared((db, p: { workspaceId: string }) =>
  defaultPipelineStages(db, p.workspaceId).where("s.kind", "=", "open").orderBy("s.position").limit(1),
);

/**
 * The stage of the default pipeline `ref` names, or null. `name` matches a system key exactly or a
 * name case-insensitively, a key first (the documented "stage name or legacy system key").
 */
export async function findLeadStage(
  db: Executor,
  scope: Scope,
  ref: LeadStageRef,
): Promise<LeadStage | null> {
  let query = defaultPipelineStages(db, scope.workspaceId);
  if ("id" in ref) query = query.where("s.id", "=", ref.id);
  else if ("key" in ref) query = query.where("s.key", "=", ref.key);
  else {
    const text = ref.name.trim();
    query = query
      .where((eb) => eb.or([eb("s.key", "=", text), eb(sql`lower(s.name)`, "=", text.toLowerCase())]))
      .orderBy(sql`case when s.key = ${text} then 0 else 1 end`);
  }
  const row = await query.orderBy("s.position").executeTakeFirst();
  return row ? { id: row.id, name: row.name, kind: row.kind as StageKind } : null;
}

/** The stage a new lead goes into: the one named, else the default pipeline's first open stage. */
export async function stageForNewLead(
  trx: Trx,
  scope: Scope,
  ref: LeadStageRef | undefined,
  at: string,
): Promise<LeadStage> {
  if (ref !== undefined) return requireLeadStage(trx, scope, ref);
  const [first] = await firstOpenStage(trx, { workspaceId: scope.workspaceId });
  if (first) return { id: first.id, name: first.name, kind: first.kind as StageKind };
  // A workspace from before pipelines: give it its default pipeline now.
  const pipeline = await ensureDefaultPipelineIn(trx, scope, at);
  const open = pipeline.stages.find((stage) => stage.kind === "open")!;
  return { id: open.id, name: open.name, kind: open.kind };
}

export async function requireLeadStage(db: Executor, scope: Scope, ref: LeadStageRef): Promise<LeadStage> {
  const stage = await findLeadStage(db, scope, ref);
  if (!stage) throw validationError("stageId", "is not a stage of the lead pipeline");
  return stage;
}

/** Records that a lead moved (the caller updates the lead itself in the same transaction). */
export async function recordStageMove(
  trx: Trx,
  scope: Scope,
  leadId: string,
  from: { id: string; name: string } | null,
  to: { id: string; name: string },
  at: string,
): Promise<void> {
  await trx
    .insertInto("lead_stage_moves")
    .values({
      id: newId(),
      workspace_id: scope.workspaceId,
      lead_id: leadId,
      from_stage_id: from?.id ?? null,
      from_stage_name: from?.name ?? null,
      to_stage_id: to.id,
      to_stage_name: to.name,
      actor: scope.actor,
      moved_at: at,
    })
    .execute();
}

/** Live leads per stage of the workspace (the board's `leadCount`), from the kept totals. */
export async function countLeadsPerStage(db: Executor, scope: Scope): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const total of await readStageTotals(db, scope)) {
    counts.set(total.stageId, (counts.get(total.stageId) ?? 0) + total.count);
  }
  return counts;
}

/** Live leads in one stage (a stage that holds some cannot simply be deleted). */
export async function countLeadsInStage(db: Executor, scope: Scope, stageId: string): Promise<number> {
  const row = await db
    .selectFrom("leads")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .where("stage_id", "=", stageId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
