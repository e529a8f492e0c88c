/** Renders core opportunities in Valethon's shape, and Valethon's request fields as core input. */

import type {
  Opportunity,
  OpportunityDetails,
  OpportunityInput,
  OpportunityStatus,
} from "../../../core/opportunities/opportunity.types.js";
import { fromMinor } from "../../../core/shared/money.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

export function renderOpportunity(opportunity: Opportunity) {
  return {
    opportunity_id: opportunity.number,
    uuid: opportunity.id,
    name: opportunity.name,
    prospect_id: opportunity.company?.number ?? null,
    contact_id: opportunity.contact?.number ?? null,
    stage: opportunity.stage.key,
    status: opportunity.status,
    value: fromMinor(opportunity.valueMinor),
    currency: opportunity.currency,
    probability: opportunity.probability,
    expected_close_date: opportunity.expectedCloseDate,
    assigned_to: opportunity.owner?.number ?? null,
    custom_fields: opportunity.customFields ?? {},
    created_at: renderTime(opportunity.createdAt),
    updated_at: renderTime(opportunity.updatedAt),
  };
}

export function renderOpportunityDetails(opportunity: OpportunityDetails) {
  return {
    ...renderOpportunity(opportunity),
    pipeline_id: opportunity.pipeline.number,
    won_at: renderOptionalTime(opportunity.wonAt),
    lost_at: renderOptionalTime(opportunity.lostAt),
    close_reason: opportunity.closeReason,
    prospect: opportunity.company
      ? { prospect_id: opportunity.company.number, name: opportunity.company.name }
      : null,
    contact: opportunity.contact
      ? {
          contact_id: opportunity.contact.number,
          first_name: opportunity.contact.firstName,
          last_name: opportunity.contact.lastName,
          email: opportunity.contact.email,
        }
      : null,
    activities: opportunity.activities.map((activity) => ({
      activity_id: activity.number,
      type: activity.type,
      subject: activity.subject,
      description: activity.description,
      assigned_to: activity.assignee?.number ?? null,
      due_date: renderOptionalTime(activity.dueAt),
      duration_minutes: activity.durationMinutes,
      completed: activity.completed,
      completed_at: renderOptionalTime(activity.completedAt),
      created_at: renderTime(activity.createdAt),
    })),
    notes: opportunity.notes.map((note) => ({
      note_id: note.number,
      content: note.content,
      is_pinned: note.isPinned,
      created_at: renderTime(note.createdAt),
      updated_at: renderTime(note.updatedAt),
    })),
  };
}

export interface ValethonOpportunityBody {
  name?: string;
  prospect_id?: number | null;
  contact_id?: number | null;
  pipeline_id?: number;
  stage?: string;
  value?: number | null;
  currency?: string;
  expected_close_date?: string | null;
  probability?: number | null;
  assigned_to?: number | null;
  status?: OpportunityStatus;
  close_reason?: string | null;
  custom_fields?: Record<string, unknown>;
}

const ref = (value: number | null | undefined) =>
  value === undefined ? undefined : value === null ? null : { number: value };

export function opportunityInputFrom(body: ValethonOpportunityBody): OpportunityInput {
  const input: OpportunityInput = {
    name: body.name,
    stage: body.stage,
    value: body.value,
    currency: body.currency,
    expectedCloseDate: body.expected_close_date,
    probability: body.probability,
    status: body.status,
    closeReason: body.close_reason,
    customFields: body.custom_fields,
    company: ref(body.prospect_id),
    contact: ref(body.contact_id),
    owner: ref(body.assigned_to),
  };
  if (body.pipeline_id !== undefined) input.pipeline = { number: body.pipeline_id };
  for (const key of Object.keys(input) as (keyof OpportunityInput)[]) {
    if (input[key] === undefined) delete input[key];
  }
  return input;
}
