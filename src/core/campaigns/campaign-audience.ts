/**
 * Resolving a campaign's audience to people: live leads and contacts of the workspace, in the
 * order the audience's parts are listed (list contacts, the list's companies' contacts, tagged
 * leads and contacts, filtered leads, leadIds, contactIds), each record once. Every query is
 * scoped to the workspace, so another workspace's list or records are never reached.
 */
import type { Executor, Scope } from "../core.js";
import { validationError } from "../errors.js";
import { isUuid } from "../ids.js";
import { LEAD_STATUSES } from "../leads/lead.types.js";
import { findLeadStage } from "../leads/lead-stages.js";
import { normalizeTag } from "../tags/tags.js";
import { CAMPAIGN_LIMITS, type CampaignAudience, type RecordId } from "./campaign.types.js";

export interface AudiencePerson {
  recordType: "lead" | "contact";
  recordId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

const CAP = CAMPAIGN_LIMITS.recipients + 1;

function liveContacts(db: Executor, scope: Scope) {
  return db
    .selectFrom("contacts as c")
    .select(["c.id", "c.first_name", "c.last_name", "c.email", "c.phone"])
    .where("c.workspace_id", "=", scope.workspaceId)
    .where("c.deleted_at", "is", null);
}

/** Live leads; a lead without an email or phone of its own is reached at its contact's. */
function liveLeads(db: Executor, scope: Scope) {
  return db
    .selectFrom("leads as l")
    .leftJoin("contacts as lc", (join) =>
      join.onRef("lc.id", "=", "l.contact_id").on("lc.deleted_at", "is", null),
    )
    .select([
      "l.id",
      "l.first_name",
      "l.last_name",
      "l.email",
      "l.phone",
      "lc.email as contact_email",
      "lc.phone as contact_phone",
    ])
    .where("l.workspace_id", "=", scope.workspaceId)
    .where("l.deleted_at", "is", null);
}

type ContactRow = {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
};
type LeadRow = ContactRow & { contact_email: string | null; contact_phone: string | null };

const fromContact = (row: ContactRow): AudiencePerson => ({
  recordType: "contact",
  recordId: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  phone: row.phone,
});

const fromLead = (row: LeadRow): AudiencePerson => ({
  recordType: "lead",
  recordId: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email ?? row.contact_email,
  phone: row.phone ?? row.contact_phone,
});

async function listPeople(db: Executor, scope: Scope, ref: RecordId): Promise<AudiencePerson[]> {
  let listQuery = db
    .selectFrom("marketing_lists")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  if (typeof ref === "number") listQuery = listQuery.where("seq", "=", ref);
  else if (isUuid(ref)) listQuery = listQuery.where("id", "=", ref);
  else if (/^\d+$/.test(ref)) listQuery = listQuery.where("seq", "=", Number(ref));
  else throw validationError("audience.listId", "no marketing list with this id in this workspace");
  const list = await listQuery.executeTakeFirst();
  if (!list) throw validationError("audience.listId", "no marketing list with this id in this workspace");
  const direct = await liveContacts(db, scope)
    .innerJoin("marketing_list_members as m", "m.member_id", "c.id")
    .where("m.list_id", "=", list.id)
    .where("m.member_type", "=", "contact")
    .orderBy("m.added_at")
    .orderBy("c.seq")
    .limit(CAP)
    .execute();
  const viaCompanies = await liveContacts(db, scope)
    .innerJoin("contact_companies as cc", "cc.contact_id", "c.id")
    .innerJoin("companies as co", "co.id", "cc.company_id")
    .innerJoin("marketing_list_members as m", "m.member_id", "co.id")
    .where("m.list_id", "=", list.id)
    .where("m.member_type", "=", "company")
    .where("co.workspace_id", "=", scope.workspaceId)
    .where("co.deleted_at", "is", null)
    .orderBy("m.added_at")
    .orderBy("c.seq")
    .limit(CAP)
    .execute();
  return [...direct, ...viaCompanies].map(fromContact);
}

async function taggedPeople(db: Executor, scope: Scope, tags: string[]): Promise<AudiencePerson[]> {
  const normalised = tags.map(normalizeTag);
  const tagged = (entityType: "lead" | "contact") =>
    db
      .selectFrom("entity_tags")
      .select("entity_id")
      .where("workspace_id", "=", scope.workspaceId)
      .where("entity_type", "=", entityType)
      .where("tag_normalized", "in", normalised);
  const leads = await liveLeads(db, scope)
    .where("l.id", "in", tagged("lead"))
    .orderBy("l.seq")
    .limit(CAP)
    .execute();
  const contacts = await liveContacts(db, scope)
    .where("c.id", "in", tagged("contact"))
    .orderBy("c.seq")
    .limit(CAP)
    .execute();
  return [...leads.map(fromLead), ...contacts.map(fromContact)];
}

async function filteredLeads(
  db: Executor,
  scope: Scope,
  filter: NonNullable<CampaignAudience["leadFilter"]>,
): Promise<AudiencePerson[]> {
  let query = liveLeads(db, scope);
  if (filter.status !== undefined) {
    if (!(LEAD_STATUSES as readonly string[]).includes(filter.status)) {
      throw validationError("audience.leadFilter.status", `must be one of ${LEAD_STATUSES.join(", ")}`);
    }
    query = query.where("l.status", "=", filter.status);
  }
  if (filter.source !== undefined) query = query.where("l.source", "=", filter.source);
  if (filter.stageKey !== undefined) {
    const stage = await findLeadStage(db, scope, { key: filter.stageKey });
    if (!stage) throw validationError("audience.leadFilter.stageKey", "is not a stage of the lead pipeline");
    query = query.where("l.stage_id", "=", stage.id);
  }
  return (await query.orderBy("l.seq").limit(CAP).execute()).map(fromLead);
}

/** The records `ids` name, in their order; an id naming nothing is a validation error on its field. */
async function namedRecords<T extends { id: string; seq: number }>(
  field: string,
  ids: RecordId[],
  what: string,
  fetch: (uuids: string[], numbers: number[]) => Promise<T[]>,
): Promise<T[]> {
  const asNumber = (id: RecordId) => (typeof id === "number" ? id : /^\d+$/.test(id) ? Number(id) : null);
  const uuids = ids.filter((id): id is string => typeof id === "string" && isUuid(id));
  const numbers = ids.map(asNumber).filter((n): n is number => n !== null);
  const rows = uuids.length + numbers.length === 0 ? [] : await fetch(uuids, numbers);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
  return ids.map((id, index) => {
    const number = asNumber(id);
    const row = number !== null ? bySeq.get(number) : typeof id === "string" ? byId.get(id) : undefined;
    if (!row) throw validationError(`${field}[${index}]`, `no ${what} with this id in this workspace`);
    return row;
  });
}

/** Every person the audience reaches, each record once; more than the limit is a validation error. */
export async function resolveAudience(
  db: Executor,
  scope: Scope,
  audience: CampaignAudience,
): Promise<AudiencePerson[]> {
  const people: AudiencePerson[] = [];
  if (audience.listId !== undefined) people.push(...(await listPeople(db, scope, audience.listId)));
  if (audience.tags !== undefined) people.push(...(await taggedPeople(db, scope, audience.tags)));
  if (audience.leadFilter !== undefined)
    people.push(...(await filteredLeads(db, scope, audience.leadFilter)));
  if (audience.leadIds !== undefined) {
    const rows = await namedRecords("audience.leadIds", audience.leadIds, "lead", (uuids, numbers) =>
      liveLeads(db, scope)
        .select("l.seq")
        .where((eb) =>
          eb.or([
            ...(uuids.length > 0 ? [eb("l.id", "in", uuids)] : []),
            ...(numbers.length > 0 ? [eb("l.seq", "in", numbers)] : []),
          ]),
        )
        .execute(),
    );
    people.push(...rows.map(fromLead));
  }
  if (audience.contactIds !== undefined) {
    const rows = await namedRecords("audience.contactIds", audience.contactIds, "contact", (uuids, numbers) =>
      liveContacts(db, scope)
        .select("c.seq")
        .where((eb) =>
          eb.or([
            ...(uuids.length > 0 ? [eb("c.id", "in", uuids)] : []),
            ...(numbers.length > 0 ? [eb("c.seq", "in", numbers)] : []),
          ]),
        )
        .execute(),
    );
    people.push(...rows.map(fromContact));
  }
  const seen = new Set<string>();
  const unique = people.filter((person) => {
    const key = `${person.recordType}:${person.recordId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > CAMPAIGN_LIMITS.recipients) {
    throw validationError("audience", `reaches more than ${CAMPAIGN_LIMITS.recipients} recipients`);
  }
  return unique;
}
