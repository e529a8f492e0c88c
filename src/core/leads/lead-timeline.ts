/**
 * A lead's timeline: what happened to it, oldest first. Read from the records themselves rather
 * than the event stream (which is pruned after its retention period): the lead's creation, its
 * recorded stage moves, activities logged on it (emails with their sent/failed status), notes, and
 * emails still waiting to be sent.
 */
import type { Core, Scope } from "../core.js";
import { notFound } from "../errors.js";
import type { LeadRef } from "./lead.types.js";
import { findArchivedLead, findLead } from "./leads.repository.js";

export const TIMELINE_LIMITS = { default: 100, max: 500 } as const;

export type TimelineItem = { at: string } & (
  | { kind: "created"; title: string | null; stageId: string | null }
  | {
      kind: "stage_changed";
      from: { id: string; name: string } | null;
      to: { id: string; name: string };
      actor: string | null;
    }
  | {
      kind: "activity";
      activityId: string;
      activityType: string;
      subject: string;
      description: string | null;
      completed: boolean;
      /** Emails: sent or failed. */
      status: string | null;
      /** Emails sent through the outbox: the message. */
      emailId: string | null;
    }
  | { kind: "note"; noteId: string; content: string; isPinned: boolean }
  | { kind: "email"; emailId: string; subject: string; to: string; status: "queued" | "sending" }
);

/** The newest `limit` items of the lead's timeline, oldest first. */
export async function leadTimeline(
  core: Core,
  scope: Scope,
  ref: LeadRef,
  limit: number = TIMELINE_LIMITS.default,
  options: { includeArchived?: boolean } = {},
): Promise<{ leadId: string; items: TimelineItem[] }> {
  const lead =
    (await findLead(core.db, scope, ref)) ??
    (options.includeArchived && "id" in ref ? await findArchivedLead(core.db, scope, ref.id) : null);
  if (!lead) throw notFound("lead");
  const take = Math.min(Math.max(1, limit), TIMELINE_LIMITS.max);
  const { workspaceId } = scope;
  const [moves, activities, notes, pending] = await Promise.all([
    core.db
      .selectFrom("lead_stage_moves")
      .selectAll()
      .where("lead_id", "=", lead.id)
      .where("workspace_id", "=", workspaceId)
      .orderBy("moved_at", "desc")
      .limit(take)
      .execute(),
    core.db
      .selectFrom("activities")
      .leftJoin("outbound_emails", "outbound_emails.activity_id", "activities.id")
      .select([
        "activities.id",
        "activities.type",
        "activities.subject",
        "activities.description",
        "activities.completed",
        "activities.status",
        "activities.created_at",
        "outbound_emails.id as email_id",
      ])
      .where("activities.workspace_id", "=", workspaceId)
      .where("activities.entity_type", "=", "lead")
      .where("activities.entity_id", "=", lead.id)
      .where("activities.deleted_at", "is", null)
      .orderBy("activities.created_at", "desc")
      .limit(take)
      .execute(),
    core.db
      .selectFrom("notes")
      .select(["id", "content", "is_pinned", "created_at"])
      .where("workspace_id", "=", workspaceId)
      .where("entity_type", "=", "lead")
      .where("entity_id", "=", lead.id)
      .where("deleted_at", "is", null)
      .orderBy("created_at", "desc")
      .limit(take)
      .execute(),
    core.db
      .selectFrom("outbound_emails")
      .select(["id", "subject", "to_email", "status", "created_at"])
      .where("workspace_id", "=", workspaceId)
      .where("lead_id", "=", lead.id)
      .where("status", "in", ["queued", "sending"])
      .orderBy("created_at", "desc")
      .limit(take)
      .execute(),
  ]);
  const items: TimelineItem[] = [
    { at: lead.createdAt, kind: "created", title: lead.title, stageId: firstStageOf(lead.stageId, moves) },
    ...moves.map(
      (move): TimelineItem => ({
        at: move.moved_at,
        kind: "stage_changed",
        from: move.from_stage_id ? { id: move.from_stage_id, name: move.from_stage_name ?? "" } : null,
        to: { id: move.to_stage_id, name: move.to_stage_name },
        actor: move.actor,
      }),
    ),
    ...activities.map(
      (row): TimelineItem => ({
        at: row.created_at,
        kind: "activity",
        activityId: row.id,
        activityType: row.type,
        subject: row.subject,
        description: row.description,
        completed: Number(row.completed) === 1,
        status: row.status,
        emailId: row.email_id,
      }),
    ),
    ...notes.map(
      (row): TimelineItem => ({
        at: row.created_at,
        kind: "note",
        noteId: row.id,
        content: row.content,
        isPinned: Number(row.is_pinned) === 1,
      }),
    ),
    ...pending.map(
      (row): TimelineItem => ({
        at: row.created_at,
        kind: "email",
        emailId: row.id,
        subject: row.subject,
        to: row.to_email,
        status: row.status as "queued" | "sending",
      }),
    ),
  ];
  // Stable: at equal times, creation first, then the order above.
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { leadId: lead.id, items: items.slice(-take) };
}

/** The stage the lead was created in: where its first recorded move started, else where it is. */
function firstStageOf(current: string | null, movesNewestFirst: readonly { from_stage_id: string | null }[]) {
  const oldest = movesNewestFirst[movesNewestFirst.length - 1];
  return oldest ? oldest.from_stage_id : current;
}
