/**
 * A lead "with full history": its timeline (creation, stage moves, activities, emails, notes; see
 * core/leads/lead-timeline.ts) merged with its own events for what the timeline does not keep —
 * field edits and status changes (`lead.updated`), archiving and restoring. Events are pruned
 * after KITH_EVENT_RETENTION_DAYS, so edits older than that drop out; the timeline's items stay.
 */
import type { Core, Scope } from "../../../core/core.js";
import { readRecordEvents } from "../../../core/events.js";
import { leadTimeline, TIMELINE_LIMITS, type TimelineItem } from "../../../core/leads/lead-timeline.js";
import { renderTime } from "../../time.js";
import { crmleadproField } from "./errors.js";
import { publicId } from "./ids.js";

type HistoryItem = { type: string; at: string } & Record<string, unknown>;

function fromTimeline(item: TimelineItem): HistoryItem | null {
  const at = renderTime(item.at);
  switch (item.kind) {
    case "created":
      return null; // the event says it, with the lead as created
    case "stage_changed":
      return { type: "stage_changed", at, from: item.from?.name ?? null, to: item.to.name };
    case "activity":
      return {
        type: item.activityType === "email" ? "email" : "activity",
        at,
        activity_id: publicId("activity", item.activityId),
        activity_type: item.activityType,
        subject: item.subject,
        status: item.status,
        completed: item.completed,
      };
    case "note":
      return { type: "note", at, note_id: publicId("note", item.noteId), content: item.content };
    case "email":
      return { type: "email", at, subject: item.subject, to: item.to, status: item.status };
  }
}

/** Field changes as this API names them; the stage is its own `stage_changed` item. */
function changesOf(data: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes = (data.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, change] of Object.entries(changes)) {
    if (field === "stageId") continue;
    out[crmleadproField(field)] = change;
  }
  return out;
}

export async function leadHistory(core: Core, scope: Scope, leadId: string): Promise<HistoryItem[]> {
  const [timeline, events] = await Promise.all([
    leadTimeline(core, scope, { id: leadId }, TIMELINE_LIMITS.max, { includeArchived: true }),
    readRecordEvents(core.db, scope, leadId, TIMELINE_LIMITS.max),
  ]);
  const items: HistoryItem[] = [];
  for (const event of events) {
    const at = renderTime(event.at);
    if (event.type === "lead.created") items.push({ type: "created", at });
    else if (event.type === "lead.deleted") items.push({ type: "archived", at });
    else if (event.type === "lead.restored") items.push({ type: "restored", at });
    else if (event.type === "lead.updated") {
      const changes = changesOf(event.data);
      if (Object.keys(changes).length > 0) items.push({ type: "updated", at, changes });
    }
  }
  for (const item of timeline.items) {
    const rendered = fromTimeline(item);
    if (rendered) items.push(rendered);
  }
  // Stable sort: at equal times events come first (creation before what followed it).
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
