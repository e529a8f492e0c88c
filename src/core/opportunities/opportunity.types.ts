/** Opportunities (deals): a possible sale to a company, moving through a pipeline's stages. */

import type { CustomFieldValues } from "../custom-fields/custom-field.types.js";
import type { UserRef, UserSummary } from "../leads/lead.types.js";
import { MONEY_MAX } from "../shared/money.js";

export const OPPORTUNITY_STATUSES = ["open", "won", "lost"] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

export const OPPORTUNITY_LIMITS = {
  name: 200,
  closeReason: 500,
  /** In major units; keeps minor units well inside a safe integer. */
  valueMax: MONEY_MAX,
  probabilityMin: 0,
  probabilityMax: 100,
  /** Activities and notes shown with an opportunity's details, newest first. */
  detailItems: 100,
} as const;

export interface StageSummary {
  id: string;
  number: number;
  key: string;
  name: string;
  kind: "open" | "won" | "lost";
}

export interface Opportunity {
  id: string;
  number: number;
  name: string;
  company: { id: string; number: number; name: string } | null;
  contact: {
    id: string;
    number: number;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
  } | null;
  leadId: string | null;
  pipeline: { id: string; number: number; key: string };
  stage: StageSummary;
  status: OpportunityStatus;
  /** Minor units (cents) of `currency`, or null when no value is known. */
  valueMinor: number | null;
  currency: string;
  probability: number | null;
  /** YYYY-MM-DD */
  expectedCloseDate: string | null;
  owner: UserSummary | null;
  wonAt: string | null;
  lostAt: string | null;
  closeReason: string | null;
  /** Values of the opportunity custom fields, by key (the service shows only currently defined ones). */
  customFields?: CustomFieldValues;
  createdAt: string;
  updatedAt: string;
}

export interface OpportunityActivity {
  id: string;
  number: number;
  type: string;
  subject: string;
  description: string | null;
  assignee: UserSummary | null;
  dueAt: string | null;
  durationMinutes: number | null;
  completed: boolean;
  completedAt: string | null;
  createdAt: string;
}

export interface OpportunityNote {
  id: string;
  number: number;
  content: string;
  isPinned: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OpportunityDetails extends Opportunity {
  activities: OpportunityActivity[];
  notes: OpportunityNote[];
}

export type OpportunityRef = { number: number } | { id: string };
export type RecordRef = { number: number } | { id: string };

/** Writable fields. On create, absent means the default; on update, absent means unchanged. */
export interface OpportunityInput {
  name?: string;
  company?: RecordRef | null;
  contact?: RecordRef | null;
  /** The lead it came from (lead conversion). */
  leadId?: string | null;
  pipeline?: RecordRef;
  /** A stage key of the opportunity's pipeline. */
  stage?: string;
  /** Major units (50000.5 = 50,000.50). */
  value?: number | null;
  currency?: string;
  probability?: number | null;
  expectedCloseDate?: string | null;
  owner?: UserRef | null;
  status?: OpportunityStatus;
  closeReason?: string | null;
  /** Custom-field values by key, merged into the stored ones; null removes a value. */
  customFields?: Record<string, unknown>;
}

export interface OpportunityListQuery {
  page: number;
  perPage: number;
  /** A stage key (in any pipeline). */
  stage?: string;
  status?: OpportunityStatus;
  owner?: UserRef;
  company?: RecordRef;
  /** Major units, inclusive. */
  minValue?: number;
  maxValue?: number;
}

export interface StageMove {
  opportunityId: string;
  number: number;
  stage: string;
  previousStage: string;
}
