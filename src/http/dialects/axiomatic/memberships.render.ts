/** Renders the core's contact memberships as Axiomatic company memberships. */
import type { Membership } from "../../../core/contacts/memberships.service.js";

export function renderMembership(membership: Membership) {
  return {
    id: membership.id,
    contactId: membership.contactId,
    companyId: membership.company.id,
    companyName: membership.company.name,
    title: membership.role,
    isPrimary: membership.isPrimary,
    createdAt: membership.createdAt,
    updatedAt: membership.updatedAt,
  };
}
