/** Renders core leads as CRMLead Pro lead objects (its sample, plus `uuid`), and its fields as core input. */

import { validationError } from "../../../core/errors.js";
import type { Lead, LeadInput } from "../../../core/leads/lead.types.js";
import { renderTime } from "../../time.js";
import { publicId, userId, usernameOf } from "./ids.js";

export interface LeadExtras {
  /** The lead's stage key, by stage id. */
  stageKeys: ReadonlyMap<string, string>;
  tags: ReadonlyMap<string, string[]>;
}

export function renderLead(lead: Lead, extras: LeadExtras, archived = false) {
  return {
    id: publicId("lead", lead.id),
    uuid: lead.id,
    name: [lead.firstName, lead.lastName].filter(Boolean).join(" ") || null,
    email: lead.email,
    phone: lead.phone,
    company: lead.companyName,
    status: lead.status,
    pipeline_stage: lead.stageId ? (extras.stageKeys.get(lead.stageId) ?? null) : null,
    score: lead.score,
    source: lead.source,
    assigned_to: lead.assignee ? userId(lead.assignee.username) : null,
    tags: extras.tags.get(lead.id) ?? [],
    archived,
    created_at: renderTime(lead.createdAt),
    updated_at: renderTime(lead.updatedAt),
  };
}

export interface CrmLeadProLeadBody {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  status?: Lead["status"];
  pipeline?: string;
  pipeline_stage?: string;
  score?: number | null;
  source?: string | null;
  assigned_to?: string | null;
  tags?: string[] | null;
}

/** A single name split at its first space: "Priya Sharma" → first "Priya", last "Sharma". */
function splitName(name: string | null): { firstName: string | null; lastName: string | null } {
  const trimmed = name?.trim() ?? "";
  if (!trimmed) return { firstName: null, lastName: null };
  const space = trimmed.indexOf(" ");
  return space === -1
    ? { firstName: trimmed, lastName: null }
    : { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space + 1).trim() };
}

export function leadInputFrom(body: CrmLeadProLeadBody, defaultPipelineKey: string): LeadInput {
  if (body.pipeline !== undefined && body.pipeline !== defaultPipelineKey) {
    throw validationError("pipeline", `leads stand in the default pipeline (${defaultPipelineKey})`);
  }
  const input: LeadInput = {
    email: body.email,
    phone: body.phone,
    companyName: body.company,
    status: body.status,
    score: body.score,
    source: body.source,
    tags: body.tags,
  };
  if (body.name !== undefined) Object.assign(input, splitName(body.name));
  if (body.pipeline_stage !== undefined) input.stage = { key: body.pipeline_stage };
  if (body.assigned_to !== undefined) {
    input.assignee =
      body.assigned_to === null ? null : { username: usernameOf(body.assigned_to, "assigned_to") };
  }
  return input;
}
