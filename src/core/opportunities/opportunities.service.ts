/**
 * The only writer of opportunities. Each write commits together with its events. The `...In`
 * functions run inside a caller's transaction (lead conversion creates its opportunity that way).
 */
import type { OpportunityTable } from "../../db/schema.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber, touchCounter } from "../counters.js";
import {
  checkCustomFieldValues,
  mergeCustomFieldsIn,
  sameCustomFields,
  showCustomFields,
  storedCustomFields,
} from "../custom-fields/custom-field-values.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import type { Page } from "../leads/lead.types.js";
import { ensureDefaultPipelineIn } from "../pipelines/default-pipeline.js";
import type { Pipeline, Stage } from "../pipelines/pipeline.types.js";
import { findPipeline, firstStageOfKind } from "../pipelines/pipelines.repository.js";
import { indexDocument, indexedBody, searchText } from "../search/search-documents.js";
import { DEFAULT_CURRENCY, toMinor } from "../shared/money.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { findUserId, requireUserId } from "../users/user-refs.js";
import {
  findOpportunity,
  findOpportunityTimeline,
  type OpportunityFilter,
  queryOpportunities,
  requireCompanyId,
  requireContactId,
} from "./opportunities.repository.js";
import { checkOpportunityInput } from "./opportunity.rules.js";
import {
  OPPORTUNITY_LIMITS,
  type Opportunity,
  type OpportunityDetails,
  type OpportunityInput,
  type OpportunityListQuery,
  type OpportunityRef,
  type OpportunityStatus,
  type RecordRef,
  type StageMove,
} from "./opportunity.types.js";

/** Shows only the values of currently defined custom fields (in place). */
const withCustomFields = <T extends Opportunity>(db: Executor, scope: Scope, records: T[]): Promise<T[]> =>
  showCustomFields(db, scope, "opportunity", records);

/** The opportunity as events carry it: the record, not a dialect's rendering of it. */
const eventData = (opportunity: Opportunity) => ({ ...opportunity });

async function pipelineFor(
  trx: Trx,
  scope: Scope,
  ref: RecordRef | undefined,
  at: string,
): Promise<Pipeline> {
  if (ref === undefined) return ensureDefaultPipelineIn(trx, scope, at);
  const pipeline = await findPipeline(trx, scope, ref);
  if (!pipeline) throw validationError("pipeline", "no such pipeline in this workspace");
  return pipeline;
}

/** The stage of `pipeline` with `key`, or a validation error listing the pipeline's keys. */
function stageByKey(pipeline: Pipeline, key: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.key === key);
  if (!stage) {
    throw validationError("stage", `must be one of ${pipeline.stages.map((s) => s.key).join(", ")}`);
  }
  return stage;
}

/** Where a status alone puts an opportunity: the first stage of that kind. */
function stageForStatus(pipeline: Pipeline, status: OpportunityStatus): Stage {
  const stage = firstStageOfKind(pipeline, status);
  if (!stage) throw validationError("status", `the pipeline "${pipeline.key}" has no ${status} stage`);
  return stage;
}

function checkStatusMatches(stage: Stage, status: OpportunityStatus | undefined): void {
  if (status !== undefined && status !== stage.kind) {
    throw validationError("status", `must be ${stage.kind} for stage "${stage.key}" (or be left out)`);
  }
}

async function indexOpportunity(trx: Trx, scope: Scope, opportunity: Opportunity, at: string): Promise<void> {
  await indexDocument(
    trx,
    scope.workspaceId,
    {
      entityType: "opportunity",
      entityId: opportunity.id,
      number: opportunity.number,
      title: opportunity.name,
      subtitle: opportunity.company?.name ?? null,
      body: indexedBody(searchText(opportunity.stage.key)),
    },
    at,
  );
}

/** Appends `opportunity.won` or `opportunity.lost` when the status just became one of them. */
async function appendClosing(
  trx: Trx,
  scope: Scope,
  at: string,
  opportunity: Opportunity,
  previous: OpportunityStatus | null,
): Promise<void> {
  if (opportunity.status === previous || opportunity.status === "open") return;
  await appendEvent(trx, scope, at, {
    type: opportunity.status === "won" ? "opportunity.won" : "opportunity.lost",
    entityType: "opportunity",
    entityId: opportunity.id,
    data: eventData(opportunity),
  });
}

/** Creates an opportunity inside the caller's transaction. */
export async function createOpportunityIn(
  trx: Trx,
  scope: Scope,
  rawInput: OpportunityInput,
  at: string,
): Promise<Opportunity> {
  const input = checkOpportunityInput(rawInput);
  if (input.name === undefined) throw validationError("name", "is required");
  const pipeline = await pipelineFor(trx, scope, input.pipeline, at);
  let stage: Stage;
  if (input.stage !== undefined) stage = stageByKey(pipeline, input.stage);
  else stage = stageForStatus(pipeline, input.status ?? "open");
  checkStatusMatches(stage, input.status);
  const companyId = input.company ? await requireCompanyId(trx, scope, input.company, "company") : null;
  const contactId = input.contact ? await requireContactId(trx, scope, input.contact, "contact") : null;
  const ownerId = input.owner ? await requireUserId(trx, scope, input.owner, "owner") : null;
  // Without values given (as in a lead's conversion), a required opportunity field fails the write.
  const customFields = await checkCustomFieldValues(trx, scope, "opportunity", input.customFields, null);
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "opportunities");
  await trx
    .insertInto("opportunities")
    .values({
      id,
      workspace_id: scope.workspaceId,
      seq,
      name: input.name,
      company_id: companyId,
      contact_id: contactId,
      lead_id: input.leadId ?? null,
      pipeline_id: pipeline.id,
      stage_id: stage.id,
      value_minor: input.value === undefined || input.value === null ? null : toMinor("value", input.value),
      currency: input.currency ?? DEFAULT_CURRENCY,
      probability: input.probability === undefined ? stage.probability : input.probability,
      expected_close_date: input.expectedCloseDate ?? null,
      status: stage.kind,
      owner_user_id: ownerId,
      won_at: stage.kind === "won" ? at : null,
      lost_at: stage.kind === "lost" ? at : null,
      close_reason: input.closeReason ?? null,
      custom_fields: storedCustomFields(customFields),
      created_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  const opportunity = (await findOpportunity(trx, scope, { id }))!;
  await withCustomFields(trx, scope, [opportunity]);
  await indexOpportunity(trx, scope, opportunity, at);
  await appendEvent(trx, scope, at, {
    type: "opportunity.created",
    entityType: "opportunity",
    entityId: id,
    data: eventData(opportunity),
  });
  await appendClosing(trx, scope, at, opportunity, null);
  return opportunity;
}

export async function createOpportunity(
  core: Core,
  scope: Scope,
  input: OpportunityInput,
): Promise<Opportunity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute((trx) => createOpportunityIn(trx, scope, input, at));
}

export async function getOpportunity(core: Core, scope: Scope, ref: OpportunityRef): Promise<Opportunity> {
  const opportunity = await findOpportunity(core.db, scope, ref);
  if (!opportunity) throw notFound("opportunity");
  return (await withCustomFields(core.db, scope, [opportunity]))[0]!;
}

/** The opportunity with its latest activities and notes. */
export async function getOpportunityDetails(
  core: Core,
  scope: Scope,
  ref: OpportunityRef,
): Promise<OpportunityDetails> {
  const opportunity = await getOpportunity(core, scope, ref);
  const timeline = await findOpportunityTimeline(
    core.db,
    scope,
    opportunity.id,
    OPPORTUNITY_LIMITS.detailItems,
  );
  return { ...opportunity, ...timeline };
}

export async function listOpportunities(
  core: Core,
  scope: Scope,
  query: OpportunityListQuery,
): Promise<Page<Opportunity>> {
  const filter: OpportunityFilter = { stageKey: query.stage, status: query.status };
  if (query.owner) filter.ownerId = (await findUserId(core.db, scope, query.owner)) ?? "";
  if (query.company) {
    filter.companyId = await requireCompanyId(core.db, scope, query.company, "company").catch(() => "");
  }
  if (query.minValue !== undefined) filter.minMinor = Math.ceil(query.minValue * 100 - 1e-6);
  if (query.maxValue !== undefined) filter.maxMinor = Math.floor(query.maxValue * 100 + 1e-6);
  const page = await queryOpportunities(core.db, scope, query, filter, core.counts);
  await withCustomFields(core.db, scope, page.items);
  return page;
}

type OpportunityUpdate = Partial<Omit<OpportunityTable, "id" | "workspace_id" | "seq" | "created_at">>;

/** Updates an opportunity inside the caller's transaction; absent fields stay as they are. */
export async function updateOpportunityIn(
  trx: Trx,
  scope: Scope,
  ref: OpportunityRef,
  rawInput: OpportunityInput,
  at: string,
): Promise<Opportunity> {
  const input = checkOpportunityInput(rawInput);
  const before = await findOpportunity(trx, scope, ref);
  if (!before) throw notFound("opportunity");
  const storedValuesBefore = before.customFields ?? {};
  await withCustomFields(trx, scope, [before]);
  const update: OpportunityUpdate = {};
  const changes: Changes = {};
  const customFields = await mergeCustomFieldsIn(
    trx,
    scope,
    "opportunity",
    input.customFields,
    storedValuesBefore,
  );
  if (customFields.stored !== undefined) update.custom_fields = customFields.stored;
  const set = <K extends keyof OpportunityUpdate>(
    field: string,
    column: K,
    from: unknown,
    to: unknown,
    value: OpportunityUpdate[K],
  ) => {
    if (JSON.stringify(from) === JSON.stringify(to)) return;
    changes[field] = { from, to };
    update[column] = value;
  };

  // Where it goes: pipeline, then stage (from the stage key, or from the status alone).
  const pipelineChanged = input.pipeline !== undefined;
  const pipeline = await pipelineFor(trx, scope, input.pipeline ?? { id: before.pipeline.id }, at);
  let stage: Stage | undefined;
  if (input.stage !== undefined) stage = stageByKey(pipeline, input.stage);
  else if (pipeline.id !== before.pipeline.id) stage = stageForStatus(pipeline, input.status ?? "open");
  else if (input.status !== undefined && input.status !== before.status)
    stage = stageForStatus(pipeline, input.status);
  else stage = pipeline.stages.find((candidate) => candidate.id === before.stage.id);
  if (!stage) throw validationError("stage", "the opportunity's stage no longer exists");
  checkStatusMatches(stage, input.status);
  const stageChanged = stage.id !== before.stage.id;
  if (pipelineChanged) set("pipeline", "pipeline_id", before.pipeline.key, pipeline.key, pipeline.id);
  if (stageChanged) {
    set("stage", "stage_id", before.stage.key, stage.key, stage.id);
    set("status", "status", before.status, stage.kind, stage.kind);
    if (stage.kind !== before.status) {
      update.won_at = stage.kind === "won" ? at : null;
      update.lost_at = stage.kind === "lost" ? at : null;
      // Reopening forgets why it was closed, unless told otherwise below.
      if (stage.kind === "open" && before.closeReason !== null) {
        set("closeReason", "close_reason", before.closeReason, null, null);
      }
    }
  }

  if (input.name !== undefined) set("name", "name", before.name, input.name, input.name);
  if (input.company !== undefined) {
    const companyId = input.company ? await requireCompanyId(trx, scope, input.company, "company") : null;
    set("company", "company_id", before.company?.id ?? null, companyId, companyId);
  }
  if (input.contact !== undefined) {
    const contactId = input.contact ? await requireContactId(trx, scope, input.contact, "contact") : null;
    set("contact", "contact_id", before.contact?.id ?? null, contactId, contactId);
  }
  if (input.owner !== undefined) {
    const ownerId = input.owner ? await requireUserId(trx, scope, input.owner, "owner") : null;
    set("owner", "owner_user_id", before.owner?.id ?? null, ownerId, ownerId);
  }
  if (input.value !== undefined) {
    const minor = input.value === null ? null : toMinor("value", input.value);
    set("valueMinor", "value_minor", before.valueMinor, minor, minor);
  }
  if (input.currency !== undefined)
    set("currency", "currency", before.currency, input.currency, input.currency);
  if (input.probability !== undefined) {
    set("probability", "probability", before.probability, input.probability, input.probability);
  } else if (stageChanged) {
    // A new stage brings its own likelihood unless the caller names one.
    set("probability", "probability", before.probability, stage.probability, stage.probability);
  }
  if (input.expectedCloseDate !== undefined) {
    set(
      "expectedCloseDate",
      "expected_close_date",
      before.expectedCloseDate,
      input.expectedCloseDate,
      input.expectedCloseDate,
    );
  }
  if (input.closeReason !== undefined) {
    set("closeReason", "close_reason", before.closeReason, input.closeReason, input.closeReason);
  }
  if (input.leadId !== undefined) set("leadId", "lead_id", before.leadId, input.leadId, input.leadId);
  if (Object.keys(changes).length === 0 && update.custom_fields === undefined) return before;

  update.updated_at = at;
  await trx
    .updateTable("opportunities")
    .set(update)
    .where("id", "=", before.id)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
  // Filtered totals may have moved: let cached counts of this workspace's opportunities go stale.
  await touchCounter(trx, scope.workspaceId, "opportunities");
  const after = (await findOpportunity(trx, scope, { id: before.id }))!;
  await withCustomFields(trx, scope, [after]);
  if (!sameCustomFields(before.customFields ?? {}, after.customFields ?? {})) {
    changes.customFields = { from: before.customFields, to: after.customFields };
  }
  await indexOpportunity(trx, scope, after, at);
  await appendEvent(trx, scope, at, {
    type: "opportunity.updated",
    entityType: "opportunity",
    entityId: after.id,
    data: { ...eventData(after), changes },
  });
  if (stageChanged) {
    await appendEvent(trx, scope, at, {
      type: "opportunity.stage_changed",
      entityType: "opportunity",
      entityId: after.id,
      data: { ...eventData(after), from: before.stage.key, to: after.stage.key },
    });
  }
  await appendClosing(trx, scope, at, after, before.status);
  return after;
}

export async function updateOpportunity(
  core: Core,
  scope: Scope,
  ref: OpportunityRef,
  input: OpportunityInput,
): Promise<Opportunity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute((trx) => updateOpportunityIn(trx, scope, ref, input, at));
}

/** Moves an open opportunity to the next open stage of its pipeline. */
export async function advanceOpportunity(core: Core, scope: Scope, ref: OpportunityRef): Promise<StageMove> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findOpportunity(trx, scope, ref);
    if (!before) throw notFound("opportunity");
    if (before.status !== "open") {
      throw validationError("stage", `the opportunity is ${before.status}; only open opportunities advance`);
    }
    const pipeline = (await findPipeline(trx, scope, { id: before.pipeline.id }))!;
    const current = pipeline.stages.find((stage) => stage.id === before.stage.id)!;
    const next = pipeline.stages.find((stage) => stage.kind === "open" && stage.position > current.position);
    if (!next) {
      throw validationError(
        "stage",
        `"${current.key}" is the last open stage; set the status to won or lost`,
      );
    }
    const after = await updateOpportunityIn(trx, scope, { id: before.id }, { stage: next.key }, at);
    return {
      opportunityId: after.id,
      number: after.number,
      stage: after.stage.key,
      previousStage: before.stage.key,
    };
  });
}

/** Soft delete: the row stays for history, and disappears from every read. */
export async function deleteOpportunity(core: Core, scope: Scope, ref: OpportunityRef): Promise<Opportunity> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const opportunity = await findOpportunity(trx, scope, ref);
    if (!opportunity) throw notFound("opportunity");
    await withCustomFields(trx, scope, [opportunity]);
    await softDeleteIn(trx, scope, at, {
      table: "opportunities",
      entityType: "opportunity",
      counterEntity: "opportunities",
      searchType: "opportunity",
      id: opportunity.id,
      eventData: eventData(opportunity),
    });
    return opportunity;
  });
}

/**
 * Moves every opportunity of stage `from` to stage `to` (same pipeline) inside the caller's
 * transaction: live ones as ordinary updates with their events, deleted ones silently (they keep
 * pointing at a stage only so the stage can go). Returns how many live ones moved.
 */
export async function moveStageOpportunitiesIn(
  trx: Trx,
  scope: Scope,
  from: Stage,
  to: Stage,
  at: string,
): Promise<number> {
  const live = await trx
    .selectFrom("opportunities")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("stage_id", "=", from.id)
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .execute();
  for (const row of live) await updateOpportunityIn(trx, scope, { id: row.id }, { stage: to.key }, at);
  await trx
    .updateTable("opportunities")
    .set({ stage_id: to.id })
    .where("workspace_id", "=", scope.workspaceId)
    .where("stage_id", "=", from.id)
    .where("deleted_at", "is not", null)
    .execute();
  return live.length;
}
