/** The only writer of contacts. Each write commits together with its event. */
import { isUniqueViolation } from "../../db/db-errors.js";
import type { CompanyRef } from "../companies/company.types.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import {
  checkCustomFieldValues,
  mergeCustomFieldsIn,
  sameCustomFields,
  showCustomFields,
  storedCustomFields,
} from "../custom-fields/custom-field-values.js";
import { duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import type { Page } from "../leads/lead.types.js";
import { indexDocument, indexedBody, searchText } from "../search/search-documents.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { setTags } from "../tags/tags.js";
import { requireUserId } from "../users/user-refs.js";
import { assertIdentifiable, checkContactInput } from "./contact.rules.js";
import type {
  CompanySummary,
  Contact,
  ContactDetails,
  ContactInput,
  ContactListQuery,
  ContactRef,
} from "./contact.types.js";
import { findCompanySummary, findContact, findMemberships, queryContacts } from "./contacts.repository.js";

const duplicateEmail = () => duplicate("email", "a contact with this email already exists");

async function assertEmailFree(trx: Trx, scope: Scope, email: string, exceptId = ""): Promise<void> {
  const taken = await trx
    .selectFrom("contacts")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("email_normalized", "=", email.toLowerCase())
    .where("deleted_at", "is", null)
    .where("id", "!=", exceptId)
    .executeTakeFirst();
  if (taken) throw duplicateEmail();
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

async function requireCompany(trx: Trx, scope: Scope, ref: CompanyRef): Promise<CompanySummary> {
  const company = await findCompanySummary(trx, scope, ref);
  if (!company) throw validationError("primaryCompany", "no such company in this workspace");
  return company;
}

/** The contact's role at its primary company: its role, else its job title. */
const membershipRole = (contact: Pick<Contact, "role" | "title">) => contact.role ?? contact.title ?? null;

/**
 * Makes `companyId` the contact's primary company (or none): the previous primary membership is
 * removed, the new one is added or promoted. Other memberships stay as they are.
 */
async function setPrimaryMembership(
  trx: Trx,
  scope: Scope,
  contactId: string,
  companyId: string | null,
  role: string | null,
  at: string,
): Promise<void> {
  let removal = trx
    .deleteFrom("contact_companies")
    .where("workspace_id", "=", scope.workspaceId)
    .where("contact_id", "=", contactId)
    .where("is_primary", "=", 1);
  if (companyId) removal = removal.where("company_id", "!=", companyId);
  await removal.execute();
  if (!companyId) return;
  const existing = await trx
    .selectFrom("contact_companies")
    .select("id")
    .where("contact_id", "=", contactId)
    .where("company_id", "=", companyId)
    .executeTakeFirst();
  if (existing) {
    await trx
      .updateTable("contact_companies")
      .set({ is_primary: 1, role, updated_at: at })
      .where("id", "=", existing.id)
      .execute();
    return;
  }
  await trx
    .insertInto("contact_companies")
    .values({
      id: newId(),
      workspace_id: scope.workspaceId,
      contact_id: contactId,
      company_id: companyId,
      role,
      is_primary: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

/** Refreshes the contact's search document (its subtitle shows the primary company). */
export async function indexContact(trx: Trx, scope: Scope, contact: Contact, at: string): Promise<void> {
  await indexDocument(
    trx,
    scope.workspaceId,
    {
      entityType: "contact",
      entityId: contact.id,
      number: contact.number,
      title: searchText(contact.firstName, contact.lastName) || contact.email || `#${contact.number}`,
      subtitle: contact.primaryCompany?.name ?? contact.email,
      body: indexedBody(searchText(contact.email, contact.phone, contact.title)),
    },
    at,
  );
}

/** Shows only the values of currently defined custom fields (in place). */
const withCustomFields = <T extends Contact>(db: Executor, scope: Scope, records: T[]): Promise<T[]> =>
  showCustomFields(db, scope, "contact", records);

/** The contact as events carry it: the record, not a dialect's rendering of it. */
const eventData = (contact: Contact) => ({ ...contact });

/**
 * Creates a contact inside the caller's transaction (for writes that create one among other
 * records, such as a lead's conversion). Appends `contact.created` and indexes it for search.
 */
export async function createContactIn(
  trx: Trx,
  scope: Scope,
  at: string,
  rawInput: ContactInput,
  options: ContactWriteOptions = {},
): Promise<Contact> {
  const input = checkContactInput(rawInput);
  if (options.requireIdentity !== false) assertIdentifiable(input);
  if (input.email) await assertEmailFree(trx, scope, input.email);
  const company = input.primaryCompany ? await requireCompany(trx, scope, input.primaryCompany) : null;
  const ownerUserId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
  // Without values given (as in a lead's conversion), a required contact field fails the write.
  const customFields = await checkCustomFieldValues(trx, scope, "contact", input.customFields, null);
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "contacts");
  await trx
    .insertInto("contacts")
    .values({
      id,
      workspace_id: scope.workspaceId,
      seq,
      first_name: input.firstName ?? null,
      last_name: input.lastName ?? null,
      email: input.email ?? null,
      email_normalized: input.email ? input.email.toLowerCase() : null,
      phone: input.phone ?? null,
      title: input.title ?? null,
      role: input.role ?? null,
      notes: null,
      primary_company_id: company?.id ?? null,
      owner_user_id: ownerUserId,
      source_lead_id: null,
      custom_fields: storedCustomFields(customFields),
      created_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  if (input.tags && input.tags.length > 0) await setTags(trx, scope.workspaceId, "contact", id, input.tags);
  if (company) {
    await setPrimaryMembership(
      trx,
      scope,
      id,
      company.id,
      membershipRole({ role: input.role ?? null, title: input.title ?? null }),
      at,
    );
  }
  const contact = (await findContact(trx, scope, { id }))!;
  await withCustomFields(trx, scope, [contact]);
  await indexContact(trx, scope, contact, at);
  await appendEvent(trx, scope, at, {
    type: "contact.created",
    entityType: "contact",
    entityId: id,
    data: eventData(contact),
  });
  return contact;
}

/**
 * How a dialect's document wants contacts written. Valethon's (Kith's choice for an undocumented
 * body) needs a first name, a last name or an email; Axiomatic's requires no field at all.
 */
export interface ContactWriteOptions {
  /** Refuse a contact left with no first name, last name or email (default true). */
  requireIdentity?: boolean;
}

export async function createContact(
  core: Core,
  scope: Scope,
  input: ContactInput,
  options: ContactWriteOptions = {},
): Promise<Contact> {
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute((trx) => createContactIn(trx, scope, at, input, options)),
  );
}

export async function getContact(core: Core, scope: Scope, ref: ContactRef): Promise<Contact> {
  const contact = await findContact(core.db, scope, ref);
  if (!contact) throw notFound("contact");
  return (await withCustomFields(core.db, scope, [contact]))[0]!;
}

/** The contact with the companies it belongs to. */
export async function getContactDetails(core: Core, scope: Scope, ref: ContactRef): Promise<ContactDetails> {
  const contact = await getContact(core, scope, ref);
  return { ...contact, companies: await findMemberships(core.db, scope, contact.id) };
}

export async function listContacts(
  core: Core,
  scope: Scope,
  query: ContactListQuery,
): Promise<Page<Contact>> {
  const companyId = query.company
    ? ((await findCompanySummary(core.db, scope, query.company))?.id ?? null)
    : undefined;
  const page = await queryContacts(core.db, scope, query, companyId);
  await withCustomFields(core.db, scope, page.items);
  return page;
}

/** Column of each plain text field. */
const TEXT_COLUMNS = {
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  phone: "phone",
  title: "title",
  role: "role",
} as const;

export async function updateContact(
  core: Core,
  scope: Scope,
  ref: ContactRef,
  rawInput: ContactInput,
  options: ContactWriteOptions = {},
): Promise<ContactDetails> {
  const input = checkContactInput(rawInput);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const before = await findContact(trx, scope, ref);
      if (!before) throw notFound("contact");
      const storedValuesBefore = before.customFields ?? {};
      await withCustomFields(trx, scope, [before]);
      const update: Record<string, unknown> = {};
      const changes: Changes = {};
      const customFields = await mergeCustomFieldsIn(
        trx,
        scope,
        "contact",
        input.customFields,
        storedValuesBefore,
      );
      if (customFields.stored !== undefined) update.custom_fields = customFields.stored;
      for (const field of Object.keys(TEXT_COLUMNS) as (keyof typeof TEXT_COLUMNS)[]) {
        const value = input[field];
        if (value === undefined || value === before[field]) continue;
        changes[field] = { from: before[field], to: value };
        update[TEXT_COLUMNS[field]] = value;
      }
      if (options.requireIdentity !== false)
        assertIdentifiable({
          firstName: "firstName" in changes ? input.firstName : before.firstName,
          lastName: "lastName" in changes ? input.lastName : before.lastName,
          email: "email" in changes ? input.email : before.email,
        });
      if ("email" in changes) {
        if (input.email) await assertEmailFree(trx, scope, input.email, before.id);
        update.email_normalized = input.email ? input.email.toLowerCase() : null;
      }
      if (input.assignee !== undefined) {
        const userId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
        if (userId !== (before.assignee?.id ?? null)) {
          update.owner_user_id = userId;
          changes.assignee = { from: before.assignee, to: userId };
        }
      }
      if (input.primaryCompany !== undefined) {
        const company = input.primaryCompany ? await requireCompany(trx, scope, input.primaryCompany) : null;
        if ((company?.id ?? null) !== (before.primaryCompany?.id ?? null)) {
          update.primary_company_id = company?.id ?? null;
          changes.primaryCompany = { from: before.primaryCompany, to: company };
        }
      }
      if (input.tags !== undefined && JSON.stringify(input.tags) !== JSON.stringify(before.tags)) {
        changes.tags = { from: before.tags, to: input.tags };
        await setTags(trx, scope.workspaceId, "contact", before.id, input.tags ?? []);
      }
      if (Object.keys(changes).length === 0 && update.custom_fields === undefined)
        return { ...before, companies: await findMemberships(trx, scope, before.id) };
      update.updated_at = at;
      await trx
        .updateTable("contacts")
        .set(update)
        .where("id", "=", before.id)
        .where("workspace_id", "=", scope.workspaceId)
        .execute();
      const role = membershipRole({
        role: "role" in changes ? (input.role ?? null) : before.role,
        title: "title" in changes ? (input.title ?? null) : before.title,
      });
      if ("primaryCompany" in changes) {
        const companyId = (changes.primaryCompany!.to as CompanySummary | null)?.id ?? null;
        await setPrimaryMembership(trx, scope, before.id, companyId, role, at);
      } else if (before.primaryCompany && ("role" in changes || "title" in changes)) {
        await trx
          .updateTable("contact_companies")
          .set({ role, updated_at: at })
          .where("workspace_id", "=", scope.workspaceId)
          .where("contact_id", "=", before.id)
          .where("is_primary", "=", 1)
          .execute();
      }
      const after = (await findContact(trx, scope, { id: before.id }))!;
      await withCustomFields(trx, scope, [after]);
      if (changes.assignee) changes.assignee.to = after.assignee;
      if (!sameCustomFields(before.customFields ?? {}, after.customFields ?? {})) {
        changes.customFields = { from: before.customFields, to: after.customFields };
      }
      await indexContact(trx, scope, after, at);
      await appendEvent(trx, scope, at, {
        type: "contact.updated",
        entityType: "contact",
        entityId: after.id,
        data: { ...eventData(after), changes },
      });
      return { ...after, companies: await findMemberships(trx, scope, after.id) };
    }),
  );
}

/** Soft delete: the row, its tags and memberships stay for history; it disappears from every read. */
export async function deleteContact(core: Core, scope: Scope, ref: ContactRef): Promise<Contact> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const contact = await findContact(trx, scope, ref);
    if (!contact) throw notFound("contact");
    await withCustomFields(trx, scope, [contact]);
    await softDeleteIn(trx, scope, at, {
      table: "contacts",
      entityType: "contact",
      counterEntity: "contacts",
      searchType: "contact",
      id: contact.id,
      eventData: eventData(contact),
    });
    return contact;
  });
}
