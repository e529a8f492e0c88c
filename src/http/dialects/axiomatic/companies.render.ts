/** Renders core companies as Axiomatic companies, and Axiomatic's request fields as core input. */
import type {
  Company,
  CompanyInput,
  CompanyRelationship,
  CompanyStatus,
} from "../../../core/companies/company.types.js";

type AxiomaticStatus = "active" | "inactive";

/** A converted company is an active customer; an archived one is inactive. */
export const axiomaticStatus = (status: CompanyStatus): AxiomaticStatus =>
  status === "active" || status === "converted" ? "active" : "inactive";

/** The core statuses each Axiomatic status stands for, for list filters. */
export const CORE_STATUSES: Record<AxiomaticStatus, readonly CompanyStatus[]> = {
  active: ["active", "converted"],
  inactive: ["inactive", "archived"],
};

export function renderCompany(company: Company) {
  return {
    id: company.id,
    name: company.name,
    role: company.relationship,
    status: axiomaticStatus(company.status),
    website: company.website,
    industry: company.industry,
    phone: company.phone,
    email: company.email,
    ownerUserId: company.assignee?.id ?? null,
    createdAt: company.createdAt,
    updatedAt: company.updatedAt,
  };
}

export interface AxiomaticCompanyBody {
  name?: string;
  role?: CompanyRelationship;
  status?: AxiomaticStatus;
  website?: string | null;
  industry?: string | null;
  phone?: string | null;
  email?: string | null;
  ownerUserId?: string | null;
}

/**
 * The body as core input. `current` is the stored company on updates: a status that already
 * reads the same (active for a converted company, inactive for an archived one) is left alone,
 * so the finer core status survives.
 */
export function companyInputFrom(body: AxiomaticCompanyBody, current?: Company): CompanyInput {
  const input: CompanyInput = {};
  if (body.name !== undefined) input.name = body.name;
  if (body.role !== undefined) input.relationship = body.role;
  if (body.status !== undefined && (!current || axiomaticStatus(current.status) !== body.status)) {
    input.status = body.status;
  }
  if (body.website !== undefined) input.website = body.website;
  if (body.industry !== undefined) input.industry = body.industry;
  if (body.phone !== undefined) input.phone = body.phone;
  if (body.email !== undefined) input.email = body.email;
  if (body.ownerUserId !== undefined)
    input.assignee = body.ownerUserId === null ? null : { id: body.ownerUserId };
  return input;
}
