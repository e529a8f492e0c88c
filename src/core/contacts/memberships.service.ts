/**
 * A contact's company memberships, one by one (the `contact_companies` rows). At most one is
 * primary, and it always names the contact's primary company (`contacts.primary_company_id`), so
 * every dialect that shows "the contact's company" agrees with the membership list. Each write
 * appends `contact.updated` with the memberships before and after.
 */
import { isUniqueViolation } from "../../db/db-errors.js";
import type { CompanyRef } from "../companies/company.types.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { normaliseText } from "../shared/validate.js";
import { CONTACT_LIMITS, type CompanySummary, type Contact, type ContactRef } from "./contact.types.js";
import { findCompanySummary, findContact } from "./contacts.repository.js";
import { indexContact } from "./contacts.service.js";

export interface Membership {
  id: string;
  contactId: string;
  company: CompanySummary;
  /** The contact's role or job title at this company. */
  role: string | null;
  isPrimary: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MembershipInput {
  role?: string | null;
  isPrimary?: boolean;
}

/** The contact's memberships of live companies, primary first, then in the order they were added. */
async function findContactMemberships(db: Executor, scope: Scope, contactId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("contact_companies")
    .innerJoin("companies", "companies.id", "contact_companies.company_id")
    .select([
      "contact_companies.id",
      "contact_companies.contact_id",
      "contact_companies.role",
      "contact_companies.is_primary",
      "contact_companies.created_at",
      "contact_companies.updated_at",
      "companies.id as company_id",
      "companies.seq as company_seq",
      "companies.name as company_name",
    ])
    .where("contact_companies.workspace_id", "=", scope.workspaceId)
    .where("contact_companies.contact_id", "=", contactId)
    .where("companies.workspace_id", "=", scope.workspaceId)
    .where("companies.deleted_at", "is", null)
    .orderBy("contact_companies.is_primary", "desc")
    .orderBy("contact_companies.created_at", "asc")
    .orderBy("contact_companies.id", "asc")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    contactId: row.contact_id,
    company: { id: row.company_id, number: Number(row.company_seq), name: row.company_name },
    role: row.role,
    isPrimary: Number(row.is_primary) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

async function requireContact(db: Executor, scope: Scope, ref: ContactRef): Promise<Contact> {
  const contact = await findContact(db, scope, ref);
  if (!contact) throw notFound("contact");
  return contact;
}

export async function listMemberships(core: Core, scope: Scope, ref: ContactRef): Promise<Membership[]> {
  const contact = await requireContact(core.db, scope, ref);
  return findContactMemberships(core.db, scope, contact.id);
}

const checkRole = (role: string | null | undefined) => normaliseText("role", role, CONTACT_LIMITS.role);

/**
 * Makes `membershipId` the contact's only primary membership (or, with null, leaves it without
 * one) and points the contact's primary company at it.
 */
async function setPrimary(
  trx: Trx,
  scope: Scope,
  contactId: string,
  primary: { membershipId: string; companyId: string } | null,
  at: string,
): Promise<void> {
  let demotion = trx
    .updateTable("contact_companies")
    .set({ is_primary: 0, updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .where("contact_id", "=", contactId)
    .where("is_primary", "=", 1);
  if (primary) demotion = demotion.where("id", "!=", primary.membershipId);
  await demotion.execute();
  if (primary) {
    await trx
      .updateTable("contact_companies")
      .set({ is_primary: 1, updated_at: at })
      .where("id", "=", primary.membershipId)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
  }
  await trx
    .updateTable("contacts")
    .set({ primary_company_id: primary?.companyId ?? null, updated_at: at })
    .where("id", "=", contactId)
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
}

/** Re-reads the contact, refreshes its search entry and records the change of its memberships. */
async function recordChange(
  trx: Trx,
  scope: Scope,
  contact: Contact,
  before: Membership[],
  at: string,
): Promise<Membership[]> {
  const after = await findContactMemberships(trx, scope, contact.id);
  const updated = (await findContact(trx, scope, { id: contact.id }))!;
  const changes: Changes = { companies: { from: before, to: after } };
  if ((updated.primaryCompany?.id ?? null) !== (contact.primaryCompany?.id ?? null)) {
    changes.primaryCompany = { from: contact.primaryCompany, to: updated.primaryCompany };
  }
  await indexContact(trx, scope, updated, at);
  await appendEvent(trx, scope, at, {
    type: "contact.updated",
    entityType: "contact",
    entityId: contact.id,
    data: { ...updated, changes },
  });
  return after;
}

/**
 * Adds the contact to a company. The first membership of a contact without a primary company
 * becomes primary unless `isPrimary: false` is given. A second membership of the same company is
 * a DUPLICATE.
 */
export async function addMembership(
  core: Core,
  scope: Scope,
  ref: ContactRef,
  input: MembershipInput & { company: CompanyRef },
): Promise<Membership> {
  const role = checkRole(input.role);
  const at = core.clock.now().toISOString();
  try {
    return await core.db.transaction().execute(async (trx) => {
      const contact = await requireContact(trx, scope, ref);
      const company = await findCompanySummary(trx, scope, input.company);
      if (!company) throw validationError("company", "no such company in this workspace");
      const before = await findContactMemberships(trx, scope, contact.id);
      if (before.some((membership) => membership.company.id === company.id)) {
        throw duplicate("company", "the contact is already a member of this company");
      }
      const id = newId();
      await trx
        .insertInto("contact_companies")
        .values({
          id,
          workspace_id: scope.workspaceId,
          contact_id: contact.id,
          company_id: company.id,
          role: role ?? null,
          is_primary: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const primary = input.isPrimary ?? contact.primaryCompany === null;
      if (primary) await setPrimary(trx, scope, contact.id, { membershipId: id, companyId: company.id }, at);
      const after = await recordChange(trx, scope, contact, before, at);
      return after.find((membership) => membership.id === id)!;
    });
  } catch (error) {
    // A stale row of a deleted company, or a concurrent add, holds the (contact, company) pair.
    if (isUniqueViolation(error))
      throw duplicate("company", "the contact is already a member of this company");
    throw error;
  }
}

async function requireMembership(
  trx: Trx,
  scope: Scope,
  contact: Contact,
  membershipId: string,
): Promise<{ before: Membership[]; membership: Membership }> {
  const before = await findContactMemberships(trx, scope, contact.id);
  const membership = before.find((candidate) => candidate.id === membershipId);
  if (!membership) throw notFound("membership");
  return { before, membership };
}

/** Changes the role and/or primary flag. Unsetting the primary flag leaves the contact without a primary company. */
export async function updateMembership(
  core: Core,
  scope: Scope,
  ref: ContactRef,
  membershipId: string,
  input: MembershipInput,
): Promise<Membership> {
  const role = checkRole(input.role);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const contact = await requireContact(trx, scope, ref);
    const { before, membership } = await requireMembership(trx, scope, contact, membershipId);
    const roleChanged = role !== undefined && role !== membership.role;
    const primaryChanged = input.isPrimary !== undefined && input.isPrimary !== membership.isPrimary;
    if (!roleChanged && !primaryChanged) return membership;
    if (roleChanged) {
      await trx
        .updateTable("contact_companies")
        .set({ role, updated_at: at })
        .where("id", "=", membership.id)
        .where("workspace_id", "=", scope.workspaceId)
        .execute();
    }
    if (primaryChanged) {
      const primary = input.isPrimary
        ? { membershipId: membership.id, companyId: membership.company.id }
        : null;
      await setPrimary(trx, scope, contact.id, primary, at);
    }
    const after = await recordChange(trx, scope, contact, before, at);
    return after.find((candidate) => candidate.id === membership.id)!;
  });
}

/** Removes the membership; the contact stays, without a primary company if this one was primary. */
export async function removeMembership(
  core: Core,
  scope: Scope,
  ref: ContactRef,
  membershipId: string,
): Promise<Membership> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const contact = await requireContact(trx, scope, ref);
    const { before, membership } = await requireMembership(trx, scope, contact, membershipId);
    await trx
      .deleteFrom("contact_companies")
      .where("id", "=", membership.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    if (membership.isPrimary) await setPrimary(trx, scope, contact.id, null, at);
    await recordChange(trx, scope, contact, before, at);
    return membership;
  });
}
