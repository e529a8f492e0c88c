/** Core records as the Developer API's camelCase objects (ids are the records' UUIDs). */
import type { CompanyDigest } from "../../../core/companies/company-batches.js";
import type { ContactDigest } from "../../../core/contacts/contact-batches.js";
import type { Conversation } from "../../../core/conversations/conversation.types.js";
import { fromMinor } from "../../../core/shared/money.js";
import { renderOptionalTime, renderTime } from "../../time.js";

export function renderCompany(company: CompanyDigest) {
  return {
    id: company.id,
    name: company.name,
    website: company.website,
    industry: company.industry,
    dealValue: fromMinor(company.openValueMinor) ?? 0,
    stageId: company.card?.stageId ?? null,
    position: company.card?.stagePosition ?? null,
    // Kith stores no company logos.
    logoUrl: null,
    notes: company.notes,
    lastContact: renderOptionalTime(company.lastActivityAt),
    isCustomer: company.relationship === "customer" || company.relationship === "both",
    createdBy: company.createdByUserId,
    createdAt: renderTime(company.createdAt),
    updatedAt: renderTime(company.updatedAt),
  };
}

export function renderContact(contact: ContactDigest) {
  return {
    id: contact.id,
    companyId: contact.membership?.companyId ?? null,
    name: [contact.firstName, contact.lastName].filter(Boolean).join(" ") || null,
    email: contact.email,
    phone: contact.phone,
    title: contact.title,
    role: contact.membership?.role ?? contact.role,
    notes: contact.notes,
    isPrimary: contact.membership?.isPrimary ?? false,
    userId: contact.ownerUserId,
    createdAt: renderTime(contact.createdAt),
    updatedAt: renderTime(contact.updatedAt),
  };
}

export function renderConversation(conversation: Conversation) {
  return {
    id: conversation.id,
    companyId: conversation.companyId,
    visitorName: conversation.visitorName,
    visitorEmail: conversation.visitorEmail,
    visitorIp: conversation.ip,
    userAgent: conversation.userAgent,
    referrerUrl: conversation.referrer,
    pageUrl: conversation.pageUrl,
    status: conversation.status,
    assignedToUserId: conversation.assigneeUserId,
    isRead: conversation.isRead,
    // Kith does not accept visitor uploads, so there is nothing to trust.
    trustUploads: false,
    tags: conversation.tags,
    lastMessageAt: renderOptionalTime(conversation.lastMessageAt),
    createdAt: renderTime(conversation.createdAt),
    updatedAt: renderTime(conversation.updatedAt),
  };
}
