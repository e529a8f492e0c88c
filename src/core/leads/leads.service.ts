/** The only writer of leads. Each write commits together with its event. */

import { isUniqueViolation } from "../../db/db-errors.js";
import { prepared } from "../../db/prepared.js";
import type { LeadUpdate, NewLeadRow } from "../../db/schema.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber, touchCounter } from "../counters.js";
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
import { softDeleteIn } from "../shared/soft-delete.js";
import { findUserId, requireUserId } from "../users/user-refs.js";
import { checkLeadInput } from "./lead.rules.js";
import type { Lead, LeadInput, LeadListQuery, LeadRef, Page } from "./lead.types.js";
import { findLead, queryLeads } from "./leads.repository.js";

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
    custom_fields: row.custom_fields,
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
const SEARCHED_FIELDS = ["firstName", "lastName", "email", "phone", "companyName", "source"] as const;

/** Puts the lead in the global search index (in the write's transaction). */
async function indexLead(trx: Trx, scope: Scope, lead: Lead, at: string): Promise<void> {
  await indexDocument(
    trx,
    scope.workspaceId,
    {
      entityType: "lead",
      entityId: lead.id,
      number: lead.number,
      title: searchText(lead.firstName, lead.lastName) || lead.email || lead.phone || `Lead #${lead.number}`,
      subtitle: lead.companyName,
      body: indexedBody(searchText(lead.email, lead.phone, lead.companyName, lead.source)),
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
export async function createLeadIn(trx: Trx, scope: Scope, at: string, rawInput: LeadInput): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  // A lead nobody can reach back is not a lead.
  if (!input.email && !input.phone) throw validationError("email", "an email or a phone number is required");
  if (input.email) await assertEmailFree(trx, scope, input.email);
  const assignedUserId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
  const customFields = await checkCustomFieldValues(trx, scope, "lead", input.customFields, null);
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "leads");
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
    custom_fields: storedCustomFields(customFields),
    created_at: at,
    updated_at: at,
    deleted_at: null,
  });
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

export async function createLead(core: Core, scope: Scope, rawInput: LeadInput): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return guardUnique(() => core.db.transaction().execute((trx) => createLeadIn(trx, scope, at, rawInput)));
}

export async function getLead(core: Core, scope: Scope, ref: LeadRef): Promise<Lead> {
  const lead = await findLead(core.db, scope, ref);
  if (!lead) throw notFound("lead");
  return (await withCustomFields(core.db, scope, [lead]))[0]!;
}

export async function listLeads(core: Core, scope: Scope, query: LeadListQuery): Promise<Page<Lead>> {
  const assigneeId = query.assignee ? await findUserId(core.db, scope, query.assignee) : undefined;
  const page = await queryLeads(core.db, scope, query, assigneeId, core.counts);
  await withCustomFields(core.db, scope, page.items);
  return page;
}

/** Column of each writable field, with how its value is stored. */
const COLUMNS: { [K in keyof LeadInput]-?: keyof LeadUpdate } = {
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
  customFields: "custom_fields",
};

export async function updateLead(core: Core, scope: Scope, ref: LeadRef, rawInput: LeadInput): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const before = await findLead(trx, scope, ref);
      if (!before) throw notFound("lead");
      const storedValuesBefore = before.customFields ?? {};
      await withCustomFields(trx, scope, [before]);
      const update: LeadUpdate = {};
      const changes: Changes = {};
      const customFields = await mergeCustomFieldsIn(
        trx,
        scope,
        "lead",
        input.customFields,
        storedValuesBefore,
      );
      if (customFields.stored !== undefined) update.custom_fields = customFields.stored;
      for (const field of Object.keys(COLUMNS) as (keyof LeadInput)[]) {
        if (input[field] === undefined || field === "customFields") continue;
        if (field === "assignee") {
          const userId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
          if (userId !== (before.assignee?.id ?? null)) {
            update.assigned_user_id = userId;
            changes.assignee = { from: before.assignee, to: userId };
          }
          continue;
        }
        const value = input[field] as unknown;
        const previous = before[field as keyof Lead];
        if (JSON.stringify(value) === JSON.stringify(previous)) continue;
        changes[field] = { from: previous, to: value };
        (update as Record<string, unknown>)[COLUMNS[field]] =
          field === "rawPayload" && value !== null ? JSON.stringify(value) : value;
      }
      if (Object.keys(changes).length === 0 && update.custom_fields === undefined) return before;
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
    }),
  );
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
    return lead;
  });
}
