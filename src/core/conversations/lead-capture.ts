/**
 * Lead capture: the first email address a visitor writes in a conversation links the conversation
 * to the person behind it, never creating a duplicate. In order: a live contact of the workspace
 * with that email (and the contact's company); else a live lead with it; else a new lead with
 * source `chat_widget`. A pending chat ticket without a record follows the link.
 */
import type { Updateable } from "kysely";
import type { ConversationTable } from "../../db/schema.js";
import { updateActivityIn } from "../activities/activities.service.js";
import type { Scope, Trx } from "../core.js";
import { isCoreError } from "../errors.js";
import type { Changes } from "../events.js";
import { createLeadIn } from "../leads/leads.service.js";
import type { StoredConversation } from "./conversations.repository.js";

export const CHAT_LEAD_SOURCE = "chat_widget";

const fullName = (first: string | null, last: string | null) =>
  [first, last].filter((part) => part && part.trim() !== "").join(" ") || null;

/** Whom an email address belongs to in the workspace. */
interface Person {
  leadId: string | null;
  contactId: string | null;
  companyId: string | null;
  name: string | null;
}

async function findPerson(trx: Trx, scope: Scope, email: string): Promise<Person | null> {
  const normalized = email.toLowerCase();
  const contact = await trx
    .selectFrom("contacts")
    .select(["id", "first_name", "last_name", "primary_company_id"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("email_normalized", "=", normalized)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (contact) {
    return {
      leadId: null,
      contactId: contact.id,
      companyId: contact.primary_company_id,
      name: fullName(contact.first_name, contact.last_name),
    };
  }
  const lead = await trx
    .selectFrom("leads")
    .select(["id", "first_name", "last_name"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("email_normalized", "=", normalized)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return lead
    ? { leadId: lead.id, contactId: null, companyId: null, name: fullName(lead.first_name, lead.last_name) }
    : null;
}

/**
 * The conversation columns (and their changes) that link it to the owner of `email`, creating a
 * lead when nobody has it. A lead the workspace's rules refuse (a required custom field, say) is
 * not created: the email is still recorded on the conversation, and the visitor's message is not
 * lost over it.
 */
export async function linkVisitorEmail(
  trx: Trx,
  scope: Scope,
  at: string,
  stored: StoredConversation,
  email: string,
): Promise<{ update: Updateable<ConversationTable>; changes: Changes }> {
  const conversation = stored.conversation;
  let person = await findPerson(trx, scope, email);
  if (!person) {
    try {
      const lead = await createLeadIn(trx, scope, at, {
        email,
        source: CHAT_LEAD_SOURCE,
        rawPayload: {
          conversation: conversation.number,
          visitor_id: conversation.visitorId,
          page_url: conversation.pageUrl,
          referrer: conversation.referrer,
        },
      });
      person = { leadId: lead.id, contactId: null, companyId: null, name: null };
    } catch (error) {
      if (!isCoreError(error)) throw error;
      // Another visitor's message created the lead since the lookup above: link that one. (A
      // race decided by the unique index instead aborts the transaction; the caller runs it again.)
      if (error.code === "DUPLICATE") person = await findPerson(trx, scope, email);
      else if (error.code !== "VALIDATION") throw error;
    }
  }
  const update: Updateable<ConversationTable> = { visitor_email: email };
  const changes: Changes = { visitorEmail: { from: conversation.visitorEmail, to: email } };
  if (person) {
    for (const [field, column, value] of [
      ["leadId", "lead_id", person.leadId],
      ["contactId", "contact_id", person.contactId],
      ["companyId", "company_id", person.companyId],
    ] as const) {
      if (value === null || value === conversation[field]) continue;
      update[column] = value;
      changes[field] = { from: conversation[field], to: value };
    }
    if (!conversation.visitorName && person.name) {
      update.visitor_name = person.name;
      changes.visitorName = { from: null, to: person.name };
    }
    // A ticket recorded before the visitor gave an email now belongs to the person too.
    if (stored.ticketActivityId) {
      const entity = person.contactId
        ? ({ entityType: "contact", id: person.contactId } as const)
        : ({ entityType: "lead", id: person.leadId! } as const);
      const ticket = await trx
        .selectFrom("activities")
        .select("entity_id")
        .where("workspace_id", "=", scope.workspaceId)
        .where("id", "=", stored.ticketActivityId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (ticket && ticket.entity_id === null) {
        await updateActivityIn(trx, scope, at, { id: stored.ticketActivityId }, { entity });
      }
    }
  }
  return { update, changes };
}
