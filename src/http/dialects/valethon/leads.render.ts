/** Renders core leads in Valethon's shape, and Valethon's request fields as core input. */
import type { Lead, LeadInput } from "../../../core/leads/lead.types.js";
import { fromMinor } from "../../../core/shared/money.js";
import { renderTime } from "./envelope.js";

export function renderLead(lead: Lead) {
  return {
    lead_id: lead.number,
    uuid: lead.id,
    first_name: lead.firstName,
    last_name: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    company_name: lead.companyName,
    status: lead.status,
    source: lead.source,
    score: lead.score,
    assigned_to: lead.assignee?.number ?? null,
    custom_fields: lead.customFields ?? {},
    created_at: renderTime(lead.createdAt),
    updated_at: renderTime(lead.updatedAt),
  };
}

export function renderLeadDetails(lead: Lead) {
  return {
    ...renderLead(lead),
    form_type: lead.formType,
    raw_payload: lead.rawPayload,
    title: lead.title,
    value: fromMinor(lead.valueMinor),
    currency: lead.currency,
  };
}

export interface ValethonLeadBody {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company_name?: string | null;
  source?: string | null;
  form_type?: string | null;
  raw_payload?: Record<string, unknown> | null;
  status?: Lead["status"];
  score?: number | null;
  assigned_to?: number | null;
  custom_fields?: Record<string, unknown>;
}

export function leadInputFrom(body: ValethonLeadBody): LeadInput {
  const input: LeadInput = {
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    phone: body.phone,
    companyName: body.company_name,
    source: body.source,
    formType: body.form_type,
    rawPayload: body.raw_payload,
    status: body.status,
    score: body.score,
    customFields: body.custom_fields,
  };
  if (body.assigned_to !== undefined)
    input.assignee = body.assigned_to === null ? null : { number: body.assigned_to };
  return input;
}
