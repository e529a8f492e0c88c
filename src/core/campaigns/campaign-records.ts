/** Reading campaigns and their recipients' counts (shared by the service and the worker's side). */
import type { Selectable } from "kysely";
import type { CampaignRecipientTable, CampaignTable } from "../../db/schema.js";
import type { Executor, Trx } from "../core.js";
import { appendEvent } from "../events.js";
import type {
  Campaign,
  CampaignAudience,
  CampaignCounts,
  CampaignRecipient,
  RecipientStatus,
} from "./campaign.types.js";

export type CampaignRow = Selectable<CampaignTable>;
export type RecipientRow = Selectable<CampaignRecipientTable>;

export async function countsOf(db: Executor, campaignId: string): Promise<CampaignCounts> {
  const rows = await db
    .selectFrom("campaign_recipients")
    .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
    .where("campaign_id", "=", campaignId)
    .groupBy("status")
    .execute();
  const counts: CampaignCounts = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0, total: 0 };
  for (const row of rows) {
    counts[row.status as RecipientStatus] = Number(row.count);
    counts.total += Number(row.count);
  }
  return counts;
}

export function toCampaign(row: CampaignRow, counts: CampaignCounts): Campaign {
  return {
    id: row.id,
    number: Number(row.seq),
    channel: row.channel,
    name: row.name,
    status: row.status,
    connectionId: (row.email_connection_id ?? row.whatsapp_connection_id)!,
    subject: row.subject,
    html: row.html,
    templateName: row.template_name,
    templateLanguage: row.template_language,
    templateVariables:
      row.template_variables === null ? null : (JSON.parse(row.template_variables) as string[]),
    audience: JSON.parse(row.audience) as CampaignAudience,
    counts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

export function toRecipient(row: RecipientRow): CampaignRecipient {
  return {
    id: row.id,
    recordType: row.record_type,
    recordId: row.record_id,
    name: row.name,
    address: row.address,
    status: row.status,
    skipReason: row.skip_reason,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    providerMessageId: row.provider_message_id,
    sentAt: row.sent_at,
  };
}

/** What campaign events carry: the campaign without its message body. */
export const campaignEventData = (campaign: Campaign) => {
  const { html: _html, ...rest } = campaign;
  return rest;
};

/**
 * Finishes the campaign when none of its recipients is queued or sending: status `sent` (or
 * `failed` when nothing was sent and something failed), sent_at, and `campaign.sent` /
 * `campaign.failed` with the counts — once: the status update only applies to an unfinished
 * campaign. The caller holds the campaign's row lock (lockCampaign) on PostgreSQL.
 */
export async function finishCampaignIfDone(
  trx: Trx,
  campaignId: string,
  at: string,
  actor = "system",
): Promise<boolean> {
  const counts = await countsOf(trx, campaignId);
  if (counts.queued + counts.sending > 0) return false;
  const status = counts.sent === 0 && counts.failed > 0 ? "failed" : "sent";
  const updated = await trx
    .updateTable("campaigns")
    .set({ status, sent_at: at, updated_at: at })
    .where("id", "=", campaignId)
    .where("status", "in", ["queued", "sending"])
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  const row = await trx
    .selectFrom("campaigns")
    .selectAll()
    .where("id", "=", campaignId)
    .executeTakeFirstOrThrow();
  await appendEvent(trx, { workspaceId: row.workspace_id, actor }, at, {
    type: status === "sent" ? "campaign.sent" : "campaign.failed",
    entityType: "campaign",
    entityId: row.id,
    data: campaignEventData(toCampaign(row, counts)),
  });
  return true;
}

/** Locks the campaign row for the transaction (PostgreSQL; SQLite writers are serialised anyway). */
export async function lockCampaign(
  trx: Trx,
  engine: "sqlite" | "postgres",
  campaignId: string,
): Promise<void> {
  let query = trx.selectFrom("campaigns").select("id").where("id", "=", campaignId);
  if (engine === "postgres") query = query.forUpdate();
  await query.executeTakeFirst();
}
