/** Renders core companies as Valethon prospect accounts, and Valethon's request fields as core input. */
import type { Company, CompanyInput, CompanyOverview } from "../../../core/companies/company.types.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

export function renderProspect(company: Company) {
  return {
    prospect_id: company.number,
    uuid: company.id,
    name: company.name,
    industry: company.industry,
    website: company.website,
    phone: company.phone,
    email: company.email,
    status: company.status,
    relationship: company.relationship,
    assigned_to: company.assignee?.number ?? null,
    custom_fields: company.customFields ?? {},
    created_at: renderTime(company.createdAt),
    updated_at: renderTime(company.updatedAt),
  };
}

export function renderProspectRecord(company: Company) {
  return {
    ...renderProspect(company),
    notes: company.notes,
    converted_at: renderOptionalTime(company.convertedAt),
  };
}

export function renderProspectDetails(overview: CompanyOverview) {
  return {
    ...renderProspectRecord(overview.company),
    contacts: overview.contacts.map((member) => ({
      contact_id: member.contact.number,
      first_name: member.contact.firstName,
      last_name: member.contact.lastName,
      email: member.contact.email,
      role: member.role,
      is_primary: member.isPrimary,
    })),
    opportunities: overview.opportunities.map((opportunity) => ({
      opportunity_id: opportunity.number,
      name: opportunity.name,
      stage: opportunity.stageKey,
      value: opportunity.valueMinor === null ? null : opportunity.valueMinor / 100,
      status: opportunity.status,
    })),
    activities: overview.activities.map((activity) => ({
      activity_id: activity.number,
      type: activity.type,
      subject: activity.subject,
      completed: activity.completed,
      due_date: renderOptionalTime(activity.dueAt),
    })),
  };
}

export interface ValethonProspectBody {
  name?: string;
  industry?: string | null;
  website?: string | null;
  phone?: string | null;
  email?: string | null;
  status?: "active" | "inactive" | "converted";
  relationship?: Company["relationship"];
  assigned_to?: number | null;
  notes?: string | null;
  custom_fields?: Record<string, unknown>;
}

export function companyInputFrom(body: ValethonProspectBody): CompanyInput {
  const input: CompanyInput = {
    name: body.name,
    industry: body.industry,
    website: body.website,
    phone: body.phone,
    email: body.email,
    status: body.status,
    relationship: body.relationship,
    notes: body.notes,
    customFields: body.custom_fields,
  };
  if (body.assigned_to !== undefined) {
    input.assignee = body.assigned_to === null ? null : { number: body.assigned_to };
  }
  return input;
}
