/**
 * Webhook deliveries of the CRMLead Pro dialect: which core events it delivers, under what name,
 * and the payload, `{"event", "created_at", "data"}` with data in CRMLead Pro's shape and ids
 * (`lead_…`, `deal_…`, `camp_…`, `contact_…`, stage and pipeline keys, values in major units).
 * The payload is the exact body sent; the signature is a header (see signing.ts).
 */
import { fromMinor } from "../shared/money.js";
import { publicId, userId } from "../shared/public-ids.js";

/** The events a CRMLead Pro webhook may subscribe to (or `*`). */
export const CRMLEADPRO_WEBHOOK_EVENTS: readonly string[] = [
  "lead.created",
  "lead.status_changed",
  "deal.won",
  "deal.lost",
  "campaign.sent",
  "contact.updated",
];

type Data = Record<string, unknown>;
type FromTo = { from: unknown; to: unknown };

const changesOf = (data: Data): Record<string, FromTo> =>
  (data.changes && typeof data.changes === "object" ? data.changes : {}) as Record<string, FromTo>;

/** The CRMLead Pro event a core event is delivered as, or null (not delivered to this dialect). */
export function crmleadproEventOf(type: string, data: Data): string | null {
  switch (type) {
    case "lead.created":
      return "lead.created";
    case "lead.updated": {
      const changes = changesOf(data);
      return "status" in changes || "stageId" in changes ? "lead.status_changed" : null;
    }
    case "opportunity.won":
      return "deal.won";
    case "opportunity.lost":
      return "deal.lost";
    case "campaign.sent":
      return "campaign.sent";
    case "contact.updated":
      return "contact.updated";
    default:
      return null;
  }
}

/** The stage ids a lead event's payload needs turned into keys (looked up once per batch). */
export function stageIdsOf(type: string, data: Data): string[] {
  if (type !== "lead.created" && type !== "lead.updated") return [];
  const ids: unknown[] = [data.stageId];
  const stage = changesOf(data).stageId;
  if (stage) ids.push(stage.from, stage.to);
  return ids.filter((id): id is string => typeof id === "string");
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const nameOf = (data: Data): string | null =>
  [text(data.firstName), text(data.lastName)].filter(Boolean).join(" ") || null;

function leadData(data: Data, stageKeys: ReadonlyMap<string, string>) {
  const stageKey = (id: unknown) => (typeof id === "string" ? (stageKeys.get(id) ?? null) : null);
  const assignee = data.assignee as { username?: string } | null | undefined;
  return {
    id: publicId("lead", String(data.id)),
    uuid: data.id,
    name: nameOf(data),
    email: data.email ?? null,
    phone: data.phone ?? null,
    company: data.companyName ?? null,
    status: data.status,
    pipeline_stage: stageKey(data.stageId),
    score: data.score ?? null,
    source: data.source ?? null,
    assigned_to: assignee?.username ? userId(assignee.username) : null,
  };
}

function leadChanges(data: Data, stageKeys: ReadonlyMap<string, string>) {
  const stageKey = (id: unknown) => (typeof id === "string" ? (stageKeys.get(id) ?? null) : null);
  const changes = changesOf(data);
  const out: { status?: FromTo; pipeline_stage?: FromTo } = {};
  if (changes.status) out.status = { from: changes.status.from, to: changes.status.to };
  if (changes.stageId) {
    out.pipeline_stage = { from: stageKey(changes.stageId.from), to: stageKey(changes.stageId.to) };
  }
  return out;
}

function dealData(data: Data) {
  const pipeline = data.pipeline as { key?: string } | undefined;
  const stage = data.stage as { key?: string } | undefined;
  return {
    id: publicId("deal", String(data.id)),
    uuid: data.id,
    name: data.name,
    value: fromMinor(typeof data.valueMinor === "number" ? data.valueMinor : null),
    currency: data.currency,
    pipeline: pipeline?.key ?? null,
    stage: stage?.key ?? null,
    status: data.status,
  };
}

const campaignData = (data: Data) => ({
  id: publicId("campaign", String(data.id)),
  uuid: data.id,
  channel: data.channel,
  name: data.name,
  status: data.status,
  counts: data.counts,
});

const contactData = (data: Data) => ({
  id: publicId("contact", String(data.id)),
  uuid: data.id,
  name: nameOf(data),
  email: data.email ?? null,
  phone: data.phone ?? null,
});

/**
 * The stored payload (and exact body) of a CRMLead Pro delivery. `event` is crmleadproEventOf's
 * answer for this core event; `createdAt` the event time to the second (`…T10:30:00Z`).
 */
export function crmleadproPayload(
  event: string,
  createdAt: string,
  data: Data,
  stageKeys: ReadonlyMap<string, string>,
): string {
  let body: unknown;
  switch (event) {
    case "lead.created":
      body = leadData(data, stageKeys);
      break;
    case "lead.status_changed":
      body = { ...leadData(data, stageKeys), changes: leadChanges(data, stageKeys) };
      break;
    case "deal.won":
    case "deal.lost":
      body = dealData(data);
      break;
    case "campaign.sent":
      body = campaignData(data);
      break;
    case "contact.updated":
      body = contactData(data);
      break;
    default:
      throw new Error(`crmleadproPayload: unknown event ${event}`);
  }
  return JSON.stringify({ event, created_at: createdAt, data: body });
}
