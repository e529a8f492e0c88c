/**
 * Renders core leads as Axiomatic's pipeline cards, and Axiomatic's lead fields as core input.
 * A lead created through another dialect has no title: it shows its name, email, phone or company.
 */
import type { Lead, LeadInput, LeadStageRef } from "../../../core/leads/lead.types.js";
import type { TimelineItem } from "../../../core/leads/lead-timeline.js";
import type { Stage } from "../../../core/pipelines/pipeline.types.js";
import { fromMinor } from "../../../core/shared/money.js";

export function displayTitle(lead: Lead): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(" ");
  return lead.title || name || lead.email || lead.phone || lead.companyName || `Lead ${lead.number}`;
}

export function renderLead(lead: Lead, stages: ReadonlyMap<string, Stage>) {
  const stage = lead.stageId ? stages.get(lead.stageId) : undefined;
  return {
    id: lead.id,
    title: displayTitle(lead),
    stageId: lead.stageId,
    stage: stage ? { id: stage.id, name: stage.name, kind: stage.kind, systemKey: stage.key } : null,
    companyId: lead.companyId,
    contactId: lead.contactId,
    ownerUserId: lead.assignee?.id ?? null,
    value: fromMinor(lead.valueMinor),
    currency: lead.currency,
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    companyName: lead.companyName,
    status: lead.status,
    source: lead.source,
    stageChangedAt: lead.stageChangedAt,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stage named by id, else by name or system key. */
export function stageRefFrom(
  stageId: string | undefined,
  stage: string | undefined,
): LeadStageRef | undefined {
  if (stageId !== undefined) return { id: stageId.toLowerCase() };
  if (stage === undefined) return undefined;
  if (UUID.test(stage)) return { id: stage.toLowerCase() };
  return { name: stage };
}

export interface AxiomaticLeadBody {
  title?: string;
  stageId?: string;
  stage?: string;
  companyId?: string | null;
  contactId?: string | null;
  ownerUserId?: string | null;
  value?: number | null;
  currency?: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  status?: Lead["status"];
  source?: string | null;
}

export function leadInputFrom(body: AxiomaticLeadBody): LeadInput {
  const input: LeadInput = {
    title: body.title,
    value: body.value,
    currency: body.currency,
    firstName: body.firstName,
    lastName: body.lastName,
    email: body.email,
    phone: body.phone,
    companyName: body.companyName,
    status: body.status,
    source: body.source,
    stage: stageRefFrom(body.stageId, body.stage),
  };
  if (body.companyId !== undefined) input.company = body.companyId === null ? null : { id: body.companyId };
  if (body.contactId !== undefined) input.contact = body.contactId === null ? null : { id: body.contactId };
  if (body.ownerUserId !== undefined)
    input.assignee = body.ownerUserId === null ? null : { id: body.ownerUserId };
  return input;
}

export function renderTimelineItem(item: TimelineItem) {
  switch (item.kind) {
    case "created":
      return { type: "created" as const, at: item.at, title: item.title, stageId: item.stageId };
    case "stage_changed":
      return { type: "stage_changed" as const, at: item.at, fromStage: item.from, toStage: item.to };
    case "activity":
      return {
        type: item.activityType === "email" ? ("email" as const) : ("activity" as const),
        at: item.at,
        activityId: item.activityId,
        activityType: item.activityType,
        subject: item.subject,
        description: item.description,
        completed: item.completed,
        status: item.status,
        emailId: item.emailId,
      };
    case "note":
      return {
        type: "note" as const,
        at: item.at,
        noteId: item.noteId,
        content: item.content,
        isPinned: item.isPinned,
      };
    case "email":
      return {
        type: "email" as const,
        at: item.at,
        activityId: null,
        emailId: item.emailId,
        subject: item.subject,
        to: item.to,
        status: item.status,
      };
  }
}
