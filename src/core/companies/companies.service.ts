/** The only writer of companies. Each write commits together with its event. */
import { sql } from "kysely";
import type { CompanyTable } from "../../db/schema.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import {
  checkCustomFieldValues,
  mergeCustomFieldsIn,
  sameCustomFields,
  showCustomFields,
  storedCustomFields,
} from "../custom-fields/custom-field-values.js";
import { conflict, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import type { Page } from "../leads/lead.types.js";
import { indexDocument, indexedBody, searchText } from "../search/search-documents.js";
import { softDeleteIn } from "../shared/soft-delete.js";
import { requireUserId } from "../users/user-refs.js";
import {
  findCompany,
  findCompanyActivities,
  findCompanyOpportunities,
  findMembers,
  queryCompanies,
} from "./companies.repository.js";
import { checkCompanyInput } from "./company.rules.js";
import type {
  Company,
  CompanyInput,
  CompanyListQuery,
  CompanyOverview,
  CompanyRef,
  CompanyRelationship,
} from "./company.types.js";

/** Shows only the values of currently defined custom fields (in place). */
const withCustomFields = <T extends Company>(db: Executor, scope: Scope, records: T[]): Promise<T[]> =>
  showCustomFields(db, scope, "company", records);

/** The company as events carry it: the record, not a dialect's rendering of it. */
const eventData = (company: Company) => ({ ...company });

async function index(trx: Trx, scope: Scope, company: Company, at: string): Promise<void> {
  await indexDocument(
    trx,
    scope.workspaceId,
    {
      entityType: "company",
      entityId: company.id,
      number: company.number,
      title: company.name,
      subtitle: company.industry,
      body: indexedBody(searchText(company.website, company.email, company.phone)),
    },
    at,
  );
}

/**
 * Creates a company inside the caller's transaction (for writes that create one among other
 * records, such as a lead's conversion). Appends `company.created` and indexes it for search.
 */
export async function createCompanyIn(
  trx: Trx,
  scope: Scope,
  at: string,
  rawInput: CompanyInput,
): Promise<Company> {
  const input = checkCompanyInput(rawInput);
  if (input.name === undefined) throw validationError("name", "is required");
  const ownerUserId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
  // Without values given (as in a lead's conversion), a required company field fails the write.
  const customFields = await checkCustomFieldValues(trx, scope, "company", input.customFields, null);
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, "companies");
  await trx
    .insertInto("companies")
    .values({
      id,
      workspace_id: scope.workspaceId,
      seq,
      name: input.name,
      name_normalized: input.name.toLowerCase(),
      website: input.website ?? null,
      industry: input.industry ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      relationship: input.relationship ?? "prospect",
      status: input.status ?? "active",
      owner_user_id: ownerUserId,
      notes: input.notes ?? null,
      converted_at: null,
      custom_fields: storedCustomFields(customFields),
      created_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  const company = (await findCompany(trx, scope, { id }))!;
  await withCustomFields(trx, scope, [company]);
  await index(trx, scope, company, at);
  await appendEvent(trx, scope, at, {
    type: "company.created",
    entityType: "company",
    entityId: id,
    data: eventData(company),
  });
  return company;
}

export async function createCompany(core: Core, scope: Scope, input: CompanyInput): Promise<Company> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute((trx) => createCompanyIn(trx, scope, at, input));
}

export async function getCompany(core: Core, scope: Scope, ref: CompanyRef): Promise<Company> {
  const company = await findCompany(core.db, scope, ref);
  if (!company) throw notFound("company");
  return (await withCustomFields(core.db, scope, [company]))[0]!;
}

/** The company with its contacts, opportunities and activities. */
export async function getCompanyOverview(
  core: Core,
  scope: Scope,
  ref: CompanyRef,
): Promise<CompanyOverview> {
  const company = await getCompany(core, scope, ref);
  const [contacts, opportunities, activities] = await Promise.all([
    findMembers(core.db, scope, company.id),
    findCompanyOpportunities(core.db, scope, company.id),
    findCompanyActivities(core.db, scope, company.id),
  ]);
  return { company, contacts, opportunities, activities };
}

export async function listCompanies(
  core: Core,
  scope: Scope,
  query: CompanyListQuery,
): Promise<Page<Company>> {
  const page = await queryCompanies(core.db, scope, query);
  await withCustomFields(core.db, scope, page.items);
  return page;
}

/** Column of each writable field. */
const COLUMNS: { [K in Exclude<keyof CompanyInput, "assignee" | "customFields">]-?: keyof CompanyTable } = {
  name: "name",
  industry: "industry",
  website: "website",
  phone: "phone",
  email: "email",
  status: "status",
  relationship: "relationship",
  notes: "notes",
};

/** Points the search results of the company's primary contacts at its current name. */
async function reindexContactsOf(trx: Trx, scope: Scope, companyId: string, at: string): Promise<void> {
  await trx
    .updateTable("search_documents")
    .set({
      subtitle: sql<string | null>`(select coalesce((select c.name from companies c where c.id = ${companyId}
        and c.deleted_at is null), (select k.email from contacts k where k.id = search_documents.entity_id)))`,
      updated_at: at,
    })
    .where("workspace_id", "=", scope.workspaceId)
    .where("entity_type", "=", "contact")
    .where("entity_id", "in", (eb) =>
      eb
        .selectFrom("contacts")
        .select("contacts.id")
        .where("contacts.workspace_id", "=", scope.workspaceId)
        .where("contacts.primary_company_id", "=", companyId)
        .where("contacts.deleted_at", "is", null),
    )
    .execute();
}

/**
 * Points the search results of the company's opportunities at its current name (their subtitle),
 * or at nothing once it is deleted, as an opportunity of a deleted company shows none.
 */
async function reindexOpportunitiesOf(
  trx: Trx,
  scope: Scope,
  companyId: string,
  companyName: string | null,
  at: string,
): Promise<void> {
  await trx
    .updateTable("search_documents")
    .set({ subtitle: companyName, updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .where("entity_type", "=", "opportunity")
    .where("entity_id", "in", (eb) =>
      eb
        .selectFrom("opportunities")
        .select("opportunities.id")
        .where("opportunities.workspace_id", "=", scope.workspaceId)
        .where("opportunities.company_id", "=", companyId)
        .where("opportunities.deleted_at", "is", null),
    )
    .execute();
}

export async function updateCompany(
  core: Core,
  scope: Scope,
  ref: CompanyRef,
  rawInput: CompanyInput,
): Promise<Company> {
  const input = checkCompanyInput(rawInput);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findCompany(trx, scope, ref);
    if (!before) throw notFound("company");
    const storedValuesBefore = before.customFields ?? {};
    await withCustomFields(trx, scope, [before]);
    const update: Record<string, unknown> = {};
    const changes: Changes = {};
    const customFields = await mergeCustomFieldsIn(
      trx,
      scope,
      "company",
      input.customFields,
      storedValuesBefore,
    );
    if (customFields.stored !== undefined) update.custom_fields = customFields.stored;
    for (const field of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      if (input[field] === undefined) continue;
      const value = input[field];
      const previous = before[field];
      if (value === previous) continue;
      changes[field] = { from: previous, to: value };
      update[COLUMNS[field]] = value;
    }
    if (input.assignee !== undefined) {
      const userId = input.assignee ? await requireUserId(trx, scope, input.assignee, "assignee") : null;
      if (userId !== (before.assignee?.id ?? null)) {
        update.owner_user_id = userId;
        changes.assignee = { from: before.assignee, to: userId };
      }
    }
    if (Object.keys(changes).length === 0 && update.custom_fields === undefined) return before;
    if ("name" in changes) update.name_normalized = input.name!.toLowerCase();
    update.updated_at = at;
    await trx
      .updateTable("companies")
      .set(update)
      .where("id", "=", before.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    const after = (await findCompany(trx, scope, { id: before.id }))!;
    await withCustomFields(trx, scope, [after]);
    if (changes.assignee) changes.assignee.to = after.assignee;
    if (!sameCustomFields(before.customFields ?? {}, after.customFields ?? {})) {
      changes.customFields = { from: before.customFields, to: after.customFields };
    }
    await index(trx, scope, after, at);
    if ("name" in changes) {
      await reindexContactsOf(trx, scope, after.id, at);
      await reindexOpportunitiesOf(trx, scope, after.id, after.name, at);
    }
    await appendEvent(trx, scope, at, {
      type: "company.updated",
      entityType: "company",
      entityId: after.id,
      data: { ...eventData(after), changes },
    });
    return after;
  });
}

/**
 * Soft delete. The company's contacts stay: they lose it as their primary company and their
 * memberships of it are removed. Its opportunities stay too, with no company to show.
 */
export async function deleteCompany(core: Core, scope: Scope, ref: CompanyRef): Promise<Company> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const company = await findCompany(trx, scope, ref);
    if (!company) throw notFound("company");
    await withCustomFields(trx, scope, [company]);
    await softDeleteIn(trx, scope, at, {
      table: "companies",
      entityType: "company",
      counterEntity: "companies",
      searchType: "company",
      id: company.id,
      eventData: eventData(company),
    });
    // With the company gone, its contacts' search results fall back to their email, and its
    // opportunities' show no company.
    await reindexContactsOf(trx, scope, company.id, at);
    await reindexOpportunitiesOf(trx, scope, company.id, null, at);
    await trx
      .updateTable("contacts")
      .set({ primary_company_id: null, updated_at: at })
      .where("workspace_id", "=", scope.workspaceId)
      .where("primary_company_id", "=", company.id)
      .execute();
    await trx
      .deleteFrom("contact_companies")
      .where("workspace_id", "=", scope.workspaceId)
      .where("company_id", "=", company.id)
      .execute();
    return company;
  });
}

const CUSTOMER_RELATIONSHIP: Record<CompanyRelationship, CompanyRelationship> = {
  prospect: "customer",
  customer: "customer",
  vendor: "both",
  both: "both",
};

/** Turns a prospect into a customer. Converting a converted company is a CONFLICT. */
export async function convertCompany(core: Core, scope: Scope, ref: CompanyRef): Promise<Company> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await findCompany(trx, scope, ref);
    if (!before) throw notFound("company");
    if (before.status === "converted" || before.convertedAt !== null) {
      throw conflict("the prospect is already converted");
    }
    const relationship = CUSTOMER_RELATIONSHIP[before.relationship];
    await trx
      .updateTable("companies")
      .set({ status: "converted", relationship, converted_at: at, updated_at: at })
      .where("id", "=", before.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    const after = (await findCompany(trx, scope, { id: before.id }))!;
    await withCustomFields(trx, scope, [after]);
    const changes: Changes = { status: { from: before.status, to: after.status } };
    if (relationship !== before.relationship)
      changes.relationship = { from: before.relationship, to: relationship };
    await appendEvent(trx, scope, at, {
      type: "company.converted",
      entityType: "company",
      entityId: after.id,
      data: { ...eventData(after), changes },
    });
    return after;
  });
}
