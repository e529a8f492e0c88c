/** The only writer of leads. Each write commits together with its event. */

import { isUniqueViolation } from "../../db/db-errors.js";
import { prepared } from "../../db/prepared.js";
import type { LeadUpdate, NewLeadRow } from "../../db/schema.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber, restoreLive, touchCounter } from "../counters.js";
import {
  checkCustomFieldValues,
  mergeCustomFieldsIn,
  showCustomFields,
  storedCustomFields,
} from "../custom-fields/custom-field-values.js";
import { duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { indexDocument, indexedBody, searchText } from "../search/search-documents.js";
import { requireEntity } from "../shared/entity-refs.js";
import { DEFAULT_CURRENCY, toMinor } from "../shared/money.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { readTags, setTags } from "../tags/tags.js";
import { findUserId, requireUserId } from "../users/user-refs.js";
import { checkLeadInput } from "./lead.rules.js";
import type { Lead, LeadInput, LeadListQuery, LeadRef, Page } from "./lead.types.js";
import { addNewLeadPath, recordMoveInCohorts, shiftLeadHistory } from "./lead-cohorts.js";
import { leadSlug } from "./lead-slugs.js";
import { moveStageShare, shiftStageTotals } from "./lead-stage-totals.js";
import { findLeadStage, recordStageMove, requireLeadStage, stageForNewLead } from "./lead-stages.js";
import { findArchivedLead, findLead, queryLeads } from "./leads.repository.js";

const duplicateEmail = () => duplicate("email", "a lead with this email already exists");

const liveLeadWithEmail = prepared((db, p: { workspaceId: string; email: string; exceptId: string }) =>
  db
    .selectFrom("leads")
    .select("id")
    .where("workspace_id", "=", p.workspaceId)
    .where("email_normalized", "=", p.email)
    .where("deleted_at", "is", null)
    .where("id", "!=", p.exceptId),
);

async function assertEmailFree(trx: Trx, scope: Scope, email: string, exceptId = ""): Promise<void> {
  const [taken] = await liveLeadWithEmail(trx, {
    workspaceId: scope.workspaceId,
    email: email.toLowerCase(),
    exceptId,
  });
  if (taken) throw duplicateEmail();
}

const insertLead = prepared((db, row: NewLeadRow) =>
  db.insertInto("leads").values({
    id: row.id,
    workspace_id: row.workspace_id,
    seq: row.seq,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    email_normalized: row.email_normalized,
    phone: row.phone,
    company_name: row.company_name,
    status: row.status,
    source: row.source,
    form_type: row.form_type,
    raw_payload: row.raw_payload,
    score: row.score,
    assigned_user_id: row.assigned_user_id,
    title: row.title,
    stage_id: row.stage_id,
    stage_changed_at: row.stage_changed_at,
    value_minor: row.value_minor,
    currency: row.currency,
    company_id: row.company_id,
    contact_id: row.contact_id,
    custom_fields: row.custom_fields,
    slug: row.slug,
    owner_user_id: row.owner_user_id,
    status_word: row.status_word,
    location: row.location,
    message: row.message,
    created_at: row.created_at,
    updated_at: row.updated_at,
    deleted_at: row.deleted_at,
  }),
);

/** Runs a write, turning a lost race on the live-email index into the same DUPLICATE error. */
async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateEmail();
    throw error;
  }
}

/** Shows only the values of currently defined custom fields (in place). */
const withCustomFields = <T extends Lead>(db: Executor, scope: Scope, records: T[]): Promise<T[]> =>
  showCustomFields(db, scope, "lead", records);

/** Fields a lead's search document is made of; an update touching none of them keeps it. */
const SEARCHED_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "companyName",
  "source",
  "title",
] as const;

/** Puts the lead in the global search index (in the write's transaction). */
async function indexLead(trx: Trx, scope: Scope, lead: Lead, at: string): Promise<void> {
  await indexDocument(
    trx,
    scope.workspaceId,
    {
      entityType: "lead",
      entityId: lead.id,
      number: lead.number,
      title:
        searchText(lead.firstName, lead.lastName) ||
        lead.title ||
        lead.email ||
        lead.phone ||
        `Lead #${lead.number}`,
      subtitle: lead.companyName,
      body: indexedBody(searchText(lead.title, lead.email, lead.phone, lead.companyName, lead.source)),
    },
    at,
  );
}

/** The lead as events carry it: the record, not a dialect's rendering of it. */
const eventData = (lead: Lead) => ({ ...lead });

/**
 * Creates a lead inside the caller's transaction (for writes that create one among other records,
 * such as a chat visitor leaving an email). Appends `lead.created` and indexes it for search. A lost
 * race on the live-email index surfaces as a unique violation; createLead turns it into DUPLICATE.
 */
export async function createLeadIn(
  trx: Trx,
  scope: Scope,
  at: string,
  rawInput: LeadInput,
  /** Epixel's own fields (its create-lead route); absent everywhere else. */
  epixel?: EpixelLeadFields,
): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  // A lead nobody can reach back, or a card with no name, is not a lead.
  if (!input.email && !input.phone && !input.title && !input.contact) {
    throw validationError("email", "an email or a phone number is required");
  }
  if (input.email) await assertEmailFree(trx, scope, input.email);
  const assignedUserId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
  const customFields = await checkCustomFieldValues(trx, scope, "lead", input.customFields, null);
  const stage = await stageForNewLead(trx, scope, input.stage, at);
  const companyId = input.company ? await requireRecordId(trx, scope, "company", input.company.id) : null;
  const contactId = input.contact ? await requireRecordId(trx, scope, "contact", input.contact.id) : null;
  const valueMinor = input.value === undefined || input.value === null ? null : toMinor("value", input.value);
  const currency =
    valueMinor === null && input.currency === undefined ? null : (input.currency ?? DEFAULT_CURRENCY);
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "leads");
  const slug = leadSlug(input, seq);
  await insertLead(trx, {
    id,
    workspace_id: scope.workspaceId,
    seq,
    first_name: input.firstName ?? null,
    last_name: input.lastName ?? null,
    email: input.email ?? null,
    email_normalized: input.email ? input.email.toLowerCase() : null,
    phone: input.phone ?? null,
    company_name: input.companyName ?? null,
    status: input.status ?? "new",
    source: input.source ?? null,
    form_type: input.formType ?? null,
    raw_payload: input.rawPayload ? JSON.stringify(input.rawPayload) : null,
    score: input.score ?? null,
    assigned_user_id: assignedUserId,
    title: input.title ?? null,
    stage_id: stage.id,
    stage_changed_at: at,
    value_minor: valueMinor,
    currency,
    company_id: companyId,
    contact_id: contactId,
    custom_fields: storedCustomFields(customFields),
    slug,
    owner_user_id: epixel?.ownerUserId ?? null,
    status_word: epixel?.statusWord ?? null,
    location: epixel?.location ?? null,
    message: epixel?.message ?? null,
    created_at: at,
    updated_at: at,
    deleted_at: null,
  });
  const share = { stageId: stage.id, currency, valueMinor, createdAt: at, stageChangedAt: at };
  await shiftStageTotals(trx, scope.workspaceId, share, 1);
  await addNewLeadPath(trx, scope.workspaceId, share);
  if (input.tags && input.tags.length > 0) await setTags(trx, scope.workspaceId, "lead", id, input.tags);
  // Read back only when an assignee must be rendered; otherwise the input says it all.
  const lead: Lead = assignedUserId
    ? (await findLead(trx, scope, { id }))!
    : {
        id,
        number: seq,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        companyName: input.companyName ?? null,
        status: input.status ?? "new",
        source: input.source ?? null,
        formType: input.formType ?? null,
        rawPayload: input.rawPayload ?? null,
        score: input.score ?? null,
        assignee: null,
        title: input.title ?? null,
        stageId: stage.id,
        stageChangedAt: at,
        valueMinor,
        currency,
        companyId,
        contactId,
        slug,
        ownerUserId: epixel?.ownerUserId ?? null,
        createdAt: at,
        updatedAt: at,
      };
  lead.customFields = customFields;
  await indexLead(trx, scope, lead, at);
  await appendEvent(trx, scope, at, {
    type: "lead.created",
    entityType: "lead",
    entityId: id,
    data: eventData(lead),
  });
  return lead;
}

export async function createLead(
  core: Core,
  scope: Scope,
  rawInput: LeadInput,
  epixel?: EpixelLeadFields,
): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute((trx) => createLeadIn(trx, scope, at, rawInput, epixel)),
  );
}

/** Fields only Epixel writes (migration 13): the owner, its status word, location and message. */
export interface EpixelLeadFields {
  ownerUserId?: string | null;
  statusWord?: string | null;
  location?: string | null;
  message?: string | null;
}

export async function getLead(core: Core, scope: Scope, ref: LeadRef): Promise<Lead> {
  const lead = await findLead(core.db, scope, ref);
  if (!lead) throw notFound("lead");
  return (await withCustomFields(core.db, scope, [lead]))[0]!;
}

export async function listLeads(core: Core, scope: Scope, query: LeadListQuery): Promise<Page<Lead>> {
  const assigneeId = query.assignee ? await findUserId(core.db, scope, query.assignee) : undefined;
  const stageId = query.stage ? ((await findLeadStage(core.db, scope, query.stage))?.id ?? null) : undefined;
  const page = await queryLeads(core.db, scope, query, assigneeId, stageId, core.counts);
  await withCustomFields(core.db, scope, page.items);
  return page;
}

/** Column of each writable field, with how its value is stored. */
const COLUMNS: { [K in Exclude<keyof LeadInput, "tags">]-?: keyof LeadUpdate } = {
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  phone: "phone",
  companyName: "company_name",
  status: "status",
  source: "source",
  formType: "form_type",
  rawPayload: "raw_payload",
  score: "score",
  assignee: "assigned_user_id",
  title: "title",
  stage: "stage_id",
  value: "value_minor",
  currency: "currency",
  company: "company_id",
  contact: "contact_id",
  customFields: "custom_fields",
};

/** Input fields stored as a reference or in other units: resolved before the update, not copied. */
const RESOLVED_FIELDS = new Set<keyof typeof COLUMNS>([
  "assignee",
  "stage",
  "value",
  "company",
  "contact",
  "customFields",
]);

export async function updateLead(core: Core, scope: Scope, ref: LeadRef, rawInput: LeadInput): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute((trx) => updateLeadIn(trx, scope, ref, rawInput, at)),
  );
}

/** Updates a lead inside the caller's transaction; appends `lead.updated` when anything changed. */
export async function updateLeadIn(
  trx: Trx,
  scope: Scope,
  ref: LeadRef,
  rawInput: LeadInput,
  at: string,
): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  const before = await findLead(trx, scope, ref);
  if (!before) throw notFound("lead");
  const storedValuesBefore = before.customFields ?? {};
  await withCustomFields(trx, scope, [before]);
  const update: LeadUpdate = {};
  const changes: Changes = {};
  const customFields = await mergeCustomFieldsIn(trx, scope, "lead", input.customFields, storedValuesBefore);
  if (customFields.stored !== undefined) update.custom_fields = customFields.stored;
  if (input.assignee !== undefined) {
    const userId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
    if (userId !== (before.assignee?.id ?? null)) {
      update.assigned_user_id = userId;
      changes.assignee = { from: before.assignee, to: userId };
    }
  }
  await resolveCardChanges(trx, scope, before, input, update, changes, at);
  if (input.tags !== undefined) {
    const previous = (await readTags(trx, scope.workspaceId, "lead", [before.id])).get(before.id) ?? [];
    if (JSON.stringify(previous) !== JSON.stringify(input.tags)) {
      await setTags(trx, scope.workspaceId, "lead", before.id, input.tags ?? []);
      changes.tags = { from: previous, to: input.tags };
    }
  }
  for (const field of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    if (input[field] === undefined || RESOLVED_FIELDS.has(field)) continue;
    const value = input[field] as unknown;
    const previous = before[field as keyof Lead];
    if (JSON.stringify(value) === JSON.stringify(previous)) continue;
    changes[field] = { from: previous, to: value };
    (update as Record<string, unknown>)[COLUMNS[field]] =
      field === "rawPayload" && value !== null ? JSON.stringify(value) : value;
  }
  if (Object.keys(changes).length === 0 && update.custom_fields === undefined) return before;
  // Epixel's status word follows the core status: a status change made elsewhere resets it.
  if ("status" in changes) update.status_word = null;
  if (input.email !== undefined && "email" in changes) {
    if (input.email) await assertEmailFree(trx, scope, input.email, before.id);
    update.email_normalized = input.email ? input.email.toLowerCase() : null;
  }
  update.updated_at = at;
  await trx
    .updateTable("leads")
    .set(update)
    .where("id", "=", before.id)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
  // Filtered totals may have moved: let cached counts of this workspace's leads go stale.
  await touchCounter(trx, scope.workspaceId, "leads");
  const after = (await findLead(trx, scope, { id: before.id }))!;
  await moveStageShare(trx, scope.workspaceId, before, after);
  await withCustomFields(trx, scope, [after]);
  if (changes.assignee) changes.assignee.to = after.assignee;
  if (JSON.stringify(after.customFields) !== JSON.stringify(before.customFields)) {
    changes.customFields = { from: before.customFields, to: after.customFields };
  }
  if (SEARCHED_FIELDS.some((field) => field in changes)) await indexLead(trx, scope, after, at);
  await appendEvent(trx, scope, at, {
    type: "lead.updated",
    entityType: "lead",
    entityId: after.id,
    data: { ...eventData(after), changes },
  });
  return after;
}

/**
 * Adds the card fields that `input` changes (stage, value, company, contact) to `update` and
 * `changes`; a stage change also records the move.
 */
async function resolveCardChanges(
  trx: Trx,
  scope: Scope,
  before: Lead,
  input: LeadInput,
  update: LeadUpdate,
  changes: Changes,
  at: string,
): Promise<void> {
  if (input.stage !== undefined) {
    const stage = await requireLeadStage(trx, scope, input.stage);
    if (stage.id !== before.stageId) {
      const from = before.stageId ? await findLeadStage(trx, scope, { id: before.stageId }) : null;
      await recordMoveInCohorts(trx, scope.workspaceId, before, stage.id, at);
      await recordStageMove(trx, scope, before.id, from, stage, at);
      update.stage_id = stage.id;
      update.stage_changed_at = at;
      changes.stageId = { from: before.stageId, to: stage.id };
    }
  }
  if (input.value !== undefined) {
    const minor = input.value === null ? null : toMinor("value", input.value);
    if (minor !== before.valueMinor) {
      update.value_minor = minor;
      changes.valueMinor = { from: before.valueMinor, to: minor };
      if (minor !== null && before.currency === null && input.currency === undefined) {
        update.currency = DEFAULT_CURRENCY;
      }
    }
  }
  for (const field of ["company", "contact"] as const) {
    const ref = input[field];
    if (ref === undefined) continue;
    const id = ref === null ? null : await requireRecordId(trx, scope, field, ref.id);
    const key = field === "company" ? "companyId" : "contactId";
    if (id !== before[key]) {
      update[field === "company" ? "company_id" : "contact_id"] = id;
      changes[key] = { from: before[key], to: id };
    }
  }
}

/** The id of a live company or contact of the workspace, else a validation error on `<field>Id`. */
async function requireRecordId(
  trx: Trx,
  scope: Scope,
  field: "company" | "contact",
  id: string,
): Promise<string> {
  return (await requireEntity(trx, scope, { entityType: field, id }, `${field}Id`)).id;
}

/**
 * Moves a stage's leads to `to` (for a stage being deleted): each live lead through the same path
 * as any other stage change, so its move is recorded and `lead.updated` announced. Deleted leads
 * follow silently, so no row points at a stage that is gone.
 */
export async function moveStageLeadsIn(
  trx: Trx,
  scope: Scope,
  from: { id: string },
  to: { id: string },
  at: string,
): Promise<number> {
  const live = await trx
    .selectFrom("leads")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("stage_id", "=", from.id)
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .execute();
  for (const row of live) await updateLeadIn(trx, scope, { id: row.id }, { stage: { id: to.id } }, at);
  await trx
    .updateTable("leads")
    .set({ stage_id: to.id })
    .where("workspace_id", "=", scope.workspaceId)
    .where("stage_id", "=", from.id)
    .where("deleted_at", "is not", null)
    .execute();
  return live.length;
}

/** Soft delete: the row stays for history, and disappears from every read. */
export async function deleteLead(core: Core, scope: Scope, ref: LeadRef): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const lead = await findLead(trx, scope, ref);
    if (!lead) throw notFound("lead");
    await withCustomFields(trx, scope, [lead]);
    await softDeleteIn(trx, scope, at, {
      table: "leads",
      entityType: "lead",
      counterEntity: "leads",
      searchType: "lead",
      id: lead.id,
      eventData: eventData(lead),
    });
    await shiftStageTotals(trx, scope.workspaceId, lead, -1);
    await shiftLeadHistory(trx, scope.workspaceId, lead, -1);
    return lead;
  });
}

/** A lead by id, live or archived (deleted): dialects that keep archived ids resolvable use it. */
export async function getLeadEvenArchived(
  core: Core,
  scope: Scope,
  id: string,
): Promise<{ lead: Lead; archived: boolean }> {
  const live = await findLead(core.db, scope, { id });
  const lead = live ?? (await findArchivedLead(core.db, scope, id));
  if (!lead) throw notFound("lead");
  await withCustomFields(core.db, scope, [lead]);
  return { lead, archived: live === null };
}

/**
 * Brings an archived (deleted) lead back: live again in every list, search and count, in the stage
 * it was in. Its email must not have been taken by another live lead meanwhile (DUPLICATE).
 * Appends `lead.restored`. Restoring a live lead changes nothing.
 */
export async function restoreLead(core: Core, scope: Scope, id: string): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const live = await findLead(trx, scope, { id });
      if (live) return (await withCustomFields(trx, scope, [live]))[0]!;
      const archived = await findArchivedLead(trx, scope, id);
      if (!archived) throw notFound("lead");
      if (archived.email) await assertEmailFree(trx, scope, archived.email, archived.id);
      await trx
        .updateTable("leads")
        .set({ deleted_at: null, updated_at: at })
        .where("id", "=", archived.id)
        .where("workspace_id", "=", scope.workspaceId)
        .execute();
      await restoreLive(trx, scope.workspaceId, "leads");
      await shiftStageTotals(trx, scope.workspaceId, archived, 1);
      await shiftLeadHistory(trx, scope.workspaceId, archived, 1);
      const lead = (await findLead(trx, scope, { id: archived.id }))!;
      await withCustomFields(trx, scope, [lead]);
      await indexLead(trx, scope, lead, at);
      await appendEvent(trx, scope, at, {
        type: "lead.restored",
        entityType: "lead",
        entityId: lead.id,
        data: eventData(lead),
      });
      return lead;
    }),
  );
}
