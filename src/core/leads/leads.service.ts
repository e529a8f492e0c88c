/** The only writer of leads. Each write commits together with its event. */

import { isUniqueViolation } from "../../db/db-errors.js";
import type { LeadUpdate } from "../../db/schema.js";
import type { Core, Scope, Trx } from "../core.js";
import { duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { nextSequence } from "../sequences.js";
import { findUserId, requireUserId } from "../users/user-refs.js";
import { checkLeadInput } from "./lead.rules.js";
import type { Lead, LeadInput, LeadListQuery, LeadRef, Page } from "./lead.types.js";
import { findLead, queryLeads } from "./leads.repository.js";

const duplicateEmail = () => duplicate("email", "a lead with this email already exists");

async function assertEmailFree(trx: Trx, scope: Scope, email: string, exceptId?: string): Promise<void> {
  let query = trx
    .selectFrom("leads")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("email_normalized", "=", email.toLowerCase())
    .where("deleted_at", "is", null);
  if (exceptId) query = query.where("id", "!=", exceptId);
  if (await query.executeTakeFirst()) throw duplicateEmail();
}

/** Runs a write, turning a lost race on the live-email index into the same DUPLICATE error. */
async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateEmail();
    throw error;
  }
}

/** The lead as events carry it: the record, not a dialect's rendering of it. */
const eventData = (lead: Lead) => ({ ...lead });

export async function createLead(core: Core, scope: Scope, rawInput: LeadInput): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  // A lead nobody can reach back is not a lead.
  if (!input.email && !input.phone) throw validationError("email", "an email or a phone number is required");
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      if (input.email) await assertEmailFree(trx, scope, input.email);
      const assignedUserId = input.assignee
        ? await requireUserId(trx, scope, input.assignee, "assignee")
        : null;
      const id = newId();
      const seq = await nextSequence(trx, scope.workspaceId, "leads");
      await trx
        .insertInto("leads")
        .values({
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
          custom_fields: null,
          created_at: at,
          updated_at: at,
          deleted_at: null,
        })
        .execute();
      const lead = (await findLead(trx, scope, { id }))!;
      await appendEvent(trx, scope, at, {
        type: "lead.created",
        entityType: "lead",
        entityId: id,
        data: eventData(lead),
      });
      return lead;
    }),
  );
}

export async function getLead(core: Core, scope: Scope, ref: LeadRef): Promise<Lead> {
  const lead = await findLead(core.db, scope, ref);
  if (!lead) throw notFound("lead");
  return lead;
}

export async function listLeads(core: Core, scope: Scope, query: LeadListQuery): Promise<Page<Lead>> {
  const assigneeId = query.assignee ? await findUserId(core.db, scope, query.assignee) : undefined;
  return queryLeads(core.db, scope, query, assigneeId);
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
};

export async function updateLead(core: Core, scope: Scope, ref: LeadRef, rawInput: LeadInput): Promise<Lead> {
  const input = checkLeadInput(rawInput);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const before = await findLead(trx, scope, ref);
      if (!before) throw notFound("lead");
      const update: LeadUpdate = {};
      const changes: Changes = {};
      for (const field of Object.keys(COLUMNS) as (keyof LeadInput)[]) {
        if (input[field] === undefined) continue;
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
      if (Object.keys(changes).length === 0) return before;
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
      const after = (await findLead(trx, scope, { id: before.id }))!;
      if (changes.assignee) changes.assignee.to = after.assignee;
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
    await trx
      .updateTable("leads")
      .set({ deleted_at: at, updated_at: at })
      .where("id", "=", lead.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await appendEvent(trx, scope, at, {
      type: "lead.deleted",
      entityType: "lead",
      entityId: lead.id,
      data: eventData(lead),
    });
    return lead;
  });
}
