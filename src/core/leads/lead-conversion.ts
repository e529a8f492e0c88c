/**
 * Converting a lead: in one transaction, find or create its contact and its company, optionally
 * create an opportunity, link them all to the lead and mark it converted (`lead.converted`).
 * A failure anywhere leaves nothing behind. A lead converts once: the first statement claims it,
 * so two simultaneous conversions cannot both proceed.
 *
 * Reuse rather than duplicate: a live contact with the lead's email, and a live company with the
 * lead's company name (case-insensitive), are linked instead of created. `dryRun` answers what
 * would be created or reused without writing anything.
 */
import { isUniqueViolation } from "../../db/db-errors.js";
import { createCompanyIn } from "../companies/companies.service.js";
import { createContactIn } from "../contacts/contacts.service.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { touchCounter } from "../counters.js";
import { conflict, duplicate, notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { createOpportunityIn } from "../opportunities/opportunities.service.js";
import { checkOpportunityInput } from "../opportunities/opportunity.rules.js";
import type { Lead, LeadRef } from "./lead.types.js";
import { findLead } from "./leads.repository.js";

export interface ConversionOptions {
  /** Default true. */
  createContact?: boolean;
  /** Default true when the lead has a company name. */
  createCompany?: boolean;
  /** Default false. */
  createOpportunity?: boolean;
  opportunityName?: string;
  /** Major units. */
  opportunityValue?: number;
  dryRun?: boolean;
}

/** What a conversion does with one kind of record. */
export type ConversionStep =
  | { action: "create"; id: string | null; number: number | null }
  | { action: "reuse"; id: string; number: number }
  | { action: "none"; id: null; number: null };

export interface ConversionResult {
  lead: { id: string; number: number; status: string };
  contact: ConversionStep;
  company: ConversionStep;
  opportunity: ConversionStep;
  dryRun: boolean;
}

const NONE: ConversionStep = { action: "none", id: null, number: null };
const PLANNED: ConversionStep = { action: "create", id: null, number: null };

async function liveContactByEmail(db: Executor, scope: Scope, email: string) {
  return db
    .selectFrom("contacts")
    .select(["id", "seq"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("email_normalized", "=", email.toLowerCase())
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

async function liveCompanyByName(db: Executor, scope: Scope, name: string) {
  return db
    .selectFrom("companies")
    .select(["id", "seq"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("name_normalized", "=", name.trim().toLowerCase())
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .executeTakeFirst();
}

interface Plan {
  contact: ConversionStep;
  company: ConversionStep;
  opportunity: ConversionStep;
}

/** Decides what to create and what to reuse; validates everything a write would check up front. */
async function plan(db: Executor, scope: Scope, lead: Lead, options: ConversionOptions): Promise<Plan> {
  const converted = await db
    .selectFrom("leads")
    .select("converted_at")
    .where("id", "=", lead.id)
    .executeTakeFirst();
  if (converted?.converted_at) throw conflict("the lead is already converted", "status");
  const wantsContact = options.createContact ?? true;
  const wantsCompany = options.createCompany ?? Boolean(lead.companyName);
  const wantsOpportunity = options.createOpportunity ?? false;
  if (!wantsContact && !wantsCompany && !wantsOpportunity) {
    throw validationError("createContact", "a conversion must create or link at least one record");
  }
  if (wantsCompany && !lead.companyName) {
    throw validationError("createCompany", "the lead has no company name to make a prospect account of");
  }
  if (wantsContact && !lead.firstName && !lead.lastName && !lead.email) {
    throw validationError("createContact", "the lead has no name or email to make a contact of");
  }
  if (
    !wantsOpportunity &&
    (options.opportunityName !== undefined || options.opportunityValue !== undefined)
  ) {
    throw validationError("createOpportunity", "must be true when an opportunity name or value is given");
  }
  if (wantsOpportunity) {
    checkOpportunityInput({ name: opportunityName(lead, options), value: options.opportunityValue ?? null });
  }

  const contact = wantsContact && lead.email ? await liveContactByEmail(db, scope, lead.email) : undefined;
  const company = wantsCompany ? await liveCompanyByName(db, scope, lead.companyName!) : undefined;
  return {
    contact: !wantsContact
      ? NONE
      : contact
        ? { action: "reuse", id: contact.id, number: Number(contact.seq) }
        : PLANNED,
    company: !wantsCompany
      ? NONE
      : company
        ? { action: "reuse", id: company.id, number: Number(company.seq) }
        : PLANNED,
    opportunity: wantsOpportunity ? PLANNED : NONE,
  };
}

const opportunityName = (lead: Lead, options: ConversionOptions) =>
  options.opportunityName ??
  `${lead.companyName ?? ([lead.firstName, lead.lastName].filter(Boolean).join(" ") || lead.email || "Lead")} opportunity`;

export async function convertLead(
  core: Core,
  scope: Scope,
  ref: LeadRef,
  options: ConversionOptions,
): Promise<ConversionResult> {
  if (options.dryRun) {
    const lead = await findLead(core.db, scope, ref);
    if (!lead) throw notFound("lead");
    const planned = await plan(core.db, scope, lead, options);
    return { lead: { id: lead.id, number: lead.number, status: lead.status }, ...planned, dryRun: true };
  }
  const at = core.clock.now().toISOString();
  try {
    return await core.db.transaction().execute((trx) => convertIn(trx, scope, ref, options, at));
  } catch (error) {
    if (isUniqueViolation(error))
      throw duplicate("email", "a contact with the lead's email was created meanwhile");
    throw error;
  }
}

async function convertIn(
  trx: Trx,
  scope: Scope,
  ref: LeadRef,
  options: ConversionOptions,
  at: string,
): Promise<ConversionResult> {
  const lead = await findLead(trx, scope, ref);
  if (!lead) throw notFound("lead");
  const planned = await plan(trx, scope, lead, options);
  // Claim the lead first: a concurrent conversion now waits on this row and then finds it taken.
  const claimed = await trx
    .updateTable("leads")
    .set({ status: "converted", converted_at: at, updated_at: at })
    .where("id", "=", lead.id)
    .where("workspace_id", "=", scope.workspaceId)
    .where("converted_at", "is", null)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw conflict("the lead is already converted", "status");

  let company = planned.company;
  if (company.action === "create") {
    const created = await createCompanyIn(trx, scope, at, {
      name: lead.companyName!,
      relationship: "prospect",
    });
    company = { action: "create", id: created.id, number: created.number };
  }
  let contact = planned.contact;
  if (contact.action === "create") {
    const created = await createContactIn(trx, scope, at, {
      firstName: lead.firstName,
      lastName: lead.lastName,
      email: lead.email,
      phone: lead.phone,
      primaryCompany: company.id ? { id: company.id } : null,
    });
    await trx.updateTable("contacts").set({ source_lead_id: lead.id }).where("id", "=", created.id).execute();
    contact = { action: "create", id: created.id, number: created.number };
  }
  let opportunity = planned.opportunity;
  if (opportunity.action === "create") {
    const created = await createOpportunityIn(
      trx,
      scope,
      {
        name: opportunityName(lead, options),
        value: options.opportunityValue ?? null,
        company: company.id ? { id: company.id } : null,
        contact: contact.id ? { id: contact.id } : null,
        leadId: lead.id,
      },
      at,
    );
    opportunity = { action: "create", id: created.id, number: created.number };
  }

  await trx
    .updateTable("leads")
    .set({
      converted_contact_id: contact.id,
      converted_company_id: company.id,
      converted_opportunity_id: opportunity.id,
    })
    .where("id", "=", lead.id)
    .execute();
  await touchCounter(trx, scope.workspaceId, "leads");
  const steps = { contact, company, opportunity };
  await appendEvent(trx, scope, at, {
    type: "lead.converted",
    entityType: "lead",
    entityId: lead.id,
    data: {
      ...lead,
      status: "converted",
      updatedAt: at,
      convertedAt: at,
      changes: { status: { from: lead.status, to: "converted" } },
      conversion: steps,
    },
  });
  return { lead: { id: lead.id, number: lead.number, status: "converted" }, ...steps, dryRun: false };
}
