/**
 * Outbound emails: queueing (the only writer of new messages), reading their status, and the
 * worker's side — claiming due messages and recording each attempt's outcome.
 *
 * A message is queued with `email.queued` in the same transaction. The worker (jobs/email-sender.ts)
 * claims due messages (status `sending` with an expiring claim; `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL), sends them and records the outcome: `sent` or, after a permanent failure or the last
 * attempt, `failed` — each with an `email` activity on the lead (or contact) and `email.sent` /
 * `email.failed`; a transient failure puts the message back to `queued` with a later
 * `next_attempt_at`. Delivery is at least once: a worker that dies after the SMTP server accepted
 * the message but before recording it leaves a claim that expires, and the message is sent again.
 */
import type { Selectable } from "kysely";
import type { OutboundEmailTable } from "../../db/schema.js";
import { createActivityIn } from "../activities/activities.service.js";
import { ACTIVITY_LIMITS } from "../activities/activity.types.js";
import type { Core, Executor, Scope } from "../core.js";
import { allocateNumber } from "../counters.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { isUuid, newId } from "../ids.js";
import { claimDueRows } from "../shared/claim-due.js";
import { type EntityRef, type EntityType, findEntity, requireEntity } from "../shared/entity-refs.js";
import { requireEmail, requireText } from "../shared/validate.js";
import { EMAIL_LIMITS, type OutboundEmail, type OutboundEmailInput, type RecordId } from "./email.types.js";
import { findConnectionRow } from "./email-connections.service.js";
import { htmlToText } from "./html-text.js";

const COUNTER = "outbound_emails";

export type OutboundEmailRow = Selectable<OutboundEmailTable>;

/** The per-workspace numbers of the records a message points at (the row keeps their UUIDs). */
interface Numbers {
  connection: number;
  lead: number | null;
  contact: number | null;
  activity: number | null;
}

function toOutbound(row: OutboundEmailRow, numbers: Numbers): OutboundEmail {
  return {
    id: row.id,
    number: Number(row.seq),
    connectionId: row.connection_id,
    connectionNumber: numbers.connection,
    leadId: row.lead_id,
    leadNumber: numbers.lead,
    contactId: row.contact_id,
    contactNumber: numbers.contact,
    to: row.to_email,
    subject: row.subject,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    messageId: row.message_id,
    activityId: row.activity_id,
    activityNumber: numbers.activity,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

/** What email events carry: the message's envelope and state, not its body. */
const eventData = (row: OutboundEmailRow) => ({
  id: row.id,
  number: Number(row.seq),
  connection_id: row.connection_id,
  lead_id: row.lead_id,
  contact_id: row.contact_id,
  to: row.to_email,
  subject: row.subject,
  status: row.status,
  attempts: Number(row.attempts),
  message_id: row.message_id,
  last_error: row.last_error,
  activity_id: row.activity_id,
  sent_at: row.sent_at,
});

const refOf = (entityType: EntityType, id: RecordId): EntityRef =>
  typeof id === "number" ? { entityType, number: id } : { entityType, id };

/**
 * The lead's or contact's live row id and email address, or a validation error on `field`. A lead
 * without an email of its own (a pipeline card) is written to at its contact's address.
 */
async function recipientOf(
  db: Executor,
  scope: Scope,
  entityType: "lead" | "contact",
  id: RecordId,
  field: string,
): Promise<{ id: string; number: number; email: string | null }> {
  const link = await requireEntity(db, scope, refOf(entityType, id), field);
  if (entityType === "contact") {
    const row = await db
      .selectFrom("contacts")
      .select("email")
      .where("id", "=", link.id)
      .executeTakeFirstOrThrow();
    return { id: link.id, number: link.number, email: row.email };
  }
  const row = await db
    .selectFrom("leads")
    .leftJoin("contacts", (join) =>
      join.onRef("contacts.id", "=", "leads.contact_id").on("contacts.deleted_at", "is", null),
    )
    .select(["leads.email as own", "contacts.email as contact"])
    .where("leads.id", "=", link.id)
    .executeTakeFirstOrThrow();
  return { id: link.id, number: link.number, email: row.own ?? row.contact };
}

/**
 * Queues a message for the worker. The recipient defaults to the lead's (or contact's) email; the
 * HTML is stored as given and a plain-text part is generated from it. A lead and a contact may not
 * both be named; with neither, `to` is required and no activity is recorded.
 */
export async function queueOutboundEmail(
  core: Core,
  scope: Scope,
  input: OutboundEmailInput,
): Promise<OutboundEmail> {
  if (input.connectionId === undefined || input.connectionId === null || input.connectionId === "") {
    throw validationError("connectionId", "is required");
  }
  const hasLead = input.leadId !== undefined && input.leadId !== null;
  const hasContact = input.contactId !== undefined && input.contactId !== null;
  if (hasLead && hasContact) throw validationError("contactId", "give a lead or a contact, not both");
  const subject = requireText("subject", input.subject, EMAIL_LIMITS.subject);
  if (/[\r\n]/.test(subject)) throw validationError("subject", "must be a single line");
  if (typeof input.html !== "string" || input.html.trim() === "")
    throw validationError("html", "must not be empty");
  if (Buffer.byteLength(input.html) > EMAIL_LIMITS.html) {
    throw validationError("html", `must be at most ${EMAIL_LIMITS.html} bytes`);
  }
  const given = input.to === undefined || input.to === null ? null : requireEmail("to", input.to);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const connection = await findConnectionRow(trx, scope, input.connectionId);
    if (!connection)
      throw validationError("connectionId", "no email connection with this id in this workspace");
    if (connection.status !== "active")
      throw validationError("connectionId", "the email connection is disabled");
    const lead = hasLead ? await recipientOf(trx, scope, "lead", input.leadId!, "leadId") : null;
    const contact = hasContact
      ? await recipientOf(trx, scope, "contact", input.contactId!, "contactId")
      : null;
    const fallback = lead ?? contact;
    const to = given ?? fallback?.email ?? null;
    if (!to) {
      throw validationError(
        "to",
        fallback ? `the ${hasLead ? "lead" : "contact"} has no email address` : "is required",
      );
    }
    const row: OutboundEmailRow = {
      id: newId(),
      workspace_id: scope.workspaceId,
      seq: await allocateNumber(trx, scope.workspaceId, COUNTER),
      connection_id: connection.id,
      lead_id: lead?.id ?? null,
      contact_id: contact?.id ?? null,
      to_email: to,
      subject,
      html: input.html,
      text: htmlToText(input.html),
      status: "queued",
      attempts: 0,
      next_attempt_at: at,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      message_id: null,
      activity_id: null,
      created_at: at,
      updated_at: at,
      sent_at: null,
    };
    await trx.insertInto("outbound_emails").values(row).execute();
    await appendEvent(trx, scope, at, {
      type: "email.queued",
      entityType: "outbound_email",
      entityId: row.id,
      data: eventData(row),
    });
    return toOutbound(row, {
      connection: Number(connection.seq),
      lead: lead?.number ?? null,
      contact: contact?.number ?? null,
      activity: null,
    });
  });
}

/** One message of the workspace, by UUID or number. */
export async function getOutboundEmail(core: Core, scope: Scope, ref: RecordId): Promise<OutboundEmail> {
  let query = core.db
    .selectFrom("outbound_emails as e")
    .innerJoin("email_connections as c", "c.id", "e.connection_id")
    .leftJoin("leads as l", "l.id", "e.lead_id")
    .leftJoin("contacts as p", "p.id", "e.contact_id")
    .leftJoin("activities as a", "a.id", "e.activity_id")
    .selectAll("e")
    .select(["c.seq as connection_seq", "l.seq as lead_seq", "p.seq as contact_seq", "a.seq as activity_seq"])
    .where("e.workspace_id", "=", scope.workspaceId);
  if (typeof ref === "number") query = query.where("e.seq", "=", ref);
  else if (isUuid(ref)) query = query.where("e.id", "=", ref);
  else throw notFound("outbound email");
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("outbound email");
  const numberOf = (seq: number | null) => (seq === null ? null : Number(seq));
  return toOutbound(row, {
    connection: Number(row.connection_seq),
    lead: numberOf(row.lead_seq),
    contact: numberOf(row.contact_seq),
    activity: numberOf(row.activity_seq),
  });
}

/** Claims due messages for a worker (status `sending`, claim expiring after claimSeconds). */
export async function claimDueEmails(
  core: Core,
  options: { workerId: string; limit: number; claimSeconds: number },
): Promise<OutboundEmailRow[]> {
  return claimDueRows(core, "outbound_emails", options, (at) => ({ updated_at: at }));
}

export type SendOutcome =
  | { kind: "sent"; messageId: string | null }
  | { kind: "retry"; error: string; nextAttemptAt: Date }
  | { kind: "failed"; error: string };

/**
 * Records one attempt of a claimed message, in one transaction. Sent and failed messages get an
 * `email` activity on their lead or contact (completed when sent; its `status` column is `sent` or
 * `failed`) and `email.sent` / `email.failed`. Does nothing if the claim was lost meanwhile.
 */
export async function recordSendOutcome(
  core: Core,
  claimed: OutboundEmailRow,
  workerId: string,
  outcome: SendOutcome,
): Promise<void> {
  const at = core.clock.now().toISOString();
  const scope: Scope = { workspaceId: claimed.workspace_id, actor: "system" };
  await core.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("outbound_emails")
      .selectAll()
      .where("id", "=", claimed.id)
      .where("claimed_by", "=", workerId)
      .where("status", "=", "sending")
      .executeTakeFirst();
    if (!current) return;
    const attempts = Number(current.attempts) + 1;
    const release = { attempts, claimed_by: null, claimed_until: null, updated_at: at };
    if (outcome.kind === "retry") {
      await trx
        .updateTable("outbound_emails")
        .set({
          ...release,
          status: "queued",
          last_error: outcome.error,
          next_attempt_at: outcome.nextAttemptAt.toISOString(),
        })
        .where("id", "=", current.id)
        .execute();
      return;
    }
    const sent = outcome.kind === "sent";
    const status = sent ? "sent" : "failed";
    const ref: EntityRef | null = current.lead_id
      ? { entityType: "lead", id: current.lead_id }
      : current.contact_id
        ? { entityType: "contact", id: current.contact_id }
        : null;
    // The record may have been deleted since the message was queued: then there is nothing to log on.
    const entity = ref ? await findEntity(trx, scope, ref) : null;
    let activityId: string | null = null;
    if (entity) {
      const summary = sent
        ? `Sent to ${current.to_email}`
        : `Failed to send to ${current.to_email}: ${outcome.error}`;
      const activity = await createActivityIn(trx, scope, at, {
        type: "email",
        subject: current.subject.slice(0, ACTIVITY_LIMITS.subject),
        description: `${summary}\n\n${current.text}`.slice(0, ACTIVITY_LIMITS.description),
        entity,
        completed: sent,
      });
      // The activities service has no status field yet; the column is set in the same transaction.
      await trx.updateTable("activities").set({ status }).where("id", "=", activity.id).execute();
      activityId = activity.id;
    }
    const set = {
      ...release,
      status,
      next_attempt_at: null,
      last_error: sent ? current.last_error : outcome.error,
      message_id: sent ? outcome.messageId : null,
      sent_at: sent ? at : null,
      activity_id: activityId,
    } as const;
    await trx.updateTable("outbound_emails").set(set).where("id", "=", current.id).execute();
    await appendEvent(trx, scope, at, {
      type: sent ? "email.sent" : "email.failed",
      entityType: "outbound_email",
      entityId: current.id,
      data: eventData({ ...current, ...set }),
    });
  });
}
