/** How Epixel shows leads, notes and appointments. */
import type { EpixelLeadRow } from "../../../core/leads/lead-epixel.js";
import type { StatusWords } from "../../../core/leads/lead-status-words.js";

export function renderLead(lead: EpixelLeadRow, words: StatusWords) {
  return {
    id: lead.number,
    slug: lead.slug,
    uuid: lead.id,
    first_name: lead.firstName,
    last_name: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    status: words.wordOf(lead),
    source: lead.source,
    location: lead.location,
    message: lead.message,
    owner: lead.owner?.username ?? null,
    assignee: lead.assignee?.username ?? null,
    created: lead.createdAt,
  };
}

/** `yyyy-mm-dd HH:MM` in the workspace's time zone, as appointments are written. */
export function localMinute(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}
