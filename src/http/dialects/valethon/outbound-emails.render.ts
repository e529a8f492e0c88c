/** Renders core outbound emails in Valethon's shape: integer numbers plus uuid, snake_case. */
import type { OutboundEmail } from "../../../core/email/email.types.js";
import { renderOptionalTime, renderTime } from "./envelope.js";

export function renderOutboundEmail(email: OutboundEmail) {
  return {
    outbound_email_id: email.number,
    uuid: email.id,
    email_connection_id: email.connectionNumber,
    lead_id: email.leadNumber,
    contact_id: email.contactNumber,
    to: email.to,
    subject: email.subject,
    status: email.status,
    attempts: email.attempts,
    next_attempt_at: renderOptionalTime(email.nextAttemptAt),
    last_error: email.lastError,
    message_id: email.messageId,
    activity_id: email.activityNumber,
    created_at: renderTime(email.createdAt),
    updated_at: renderTime(email.updatedAt),
    sent_at: renderOptionalTime(email.sentAt),
  };
}
