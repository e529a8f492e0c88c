/** Renders email connections for Axiomatic: what a sender picks a mailbox by, never its settings. */
import type { EmailConnection } from "../../../core/email/email.types.js";

export function renderConnection(connection: EmailConnection) {
  return {
    id: connection.id,
    channel: connection.channel,
    name: connection.name,
    email: connection.fromEmail,
    status: connection.status,
  };
}
