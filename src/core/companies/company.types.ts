/** Companies as the core knows them; Valethon calls them prospect accounts. */
import type { CustomFieldValues } from "../custom-fields/custom-field.types.js";
import type { UserRef, UserSummary } from "../leads/lead.types.js";

export const COMPANY_STATUSES = ["active", "inactive", "converted", "archived"] as const;
export type CompanyStatus = (typeof COMPANY_STATUSES)[number];

export const COMPANY_RELATIONSHIPS = ["prospect", "customer", "vendor", "both"] as const;
export type CompanyRelationship = (typeof COMPANY_RELATIONSHIPS)[number];

/** Bounds every dialect's schema states and the core enforces. */
export const COMPANY_LIMITS = {
  name: 200,
  industry: 100,
  website: 500,
  phone: 40,
  email: 254,
  notes: 10_000,
} as const;

export interface Company {
  id: string;
  number: number;
  name: string;
  industry: string | null;
  website: string | null;
  phone: string | null;
  email: string | null;
  status: CompanyStatus;
  relationship: CompanyRelationship;
  assignee: UserSummary | null;
  notes: string | null;
  convertedAt: string | null;
  /** Values of the company custom fields, by key (the service shows only currently defined ones). */
  customFields?: CustomFieldValues;
  createdAt: string;
  updatedAt: string;
}

/** How a caller names a company: by its per-workspace number or its UUID. */
export type CompanyRef = { number: number } | { id: string };

/** Writable fields. On create, absent means empty (or the default); on update, unchanged. */
export interface CompanyInput {
  name?: string;
  industry?: string | null;
  website?: string | null;
  phone?: string | null;
  email?: string | null;
  status?: CompanyStatus;
  relationship?: CompanyRelationship;
  assignee?: UserRef | null;
  notes?: string | null;
  /** Custom-field values by key, merged into the stored ones; null removes a value. */
  customFields?: Record<string, unknown>;
}

export interface CompanyListQuery {
  page: number;
  perPage: number;
  /** Matches the name, case-insensitively, anywhere. */
  search?: string;
  /** One status, or any of several. */
  status?: CompanyStatus | readonly CompanyStatus[];
  relationship?: CompanyRelationship;
  /** Companies of this owner (a user id); null for companies nobody owns. */
  owner?: string | null;
  /** Matches the industry exactly, case-insensitively. */
  industry?: string;
}

/** A contact linked to the company. */
export interface CompanyMember {
  contact: {
    id: string;
    number: number;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
  };
  role: string | null;
  isPrimary: boolean;
}

export interface CompanyOpportunity {
  id: string;
  number: number;
  name: string;
  stageKey: string;
  valueMinor: number | null;
  currency: string;
  status: string;
}

export interface CompanyActivity {
  id: string;
  number: number;
  type: string;
  subject: string;
  completed: boolean;
  dueAt: string | null;
}

/** A company with what hangs off it. */
export interface CompanyOverview {
  company: Company;
  contacts: CompanyMember[];
  opportunities: CompanyOpportunity[];
  activities: CompanyActivity[];
}
