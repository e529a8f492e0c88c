/**
 * The worker's side of campaigns: claiming due recipients and recording each attempt's outcome.
 *
 * A recipient is claimed like an outbound email (src/core/shared/claim-due.ts). An outcome is recorded only while the claim still holds, so a
 * recipient is `sent` once; a retry puts it back to `queued` and only rows not sent are claimed
 * again. A worker that dies after the provider accepted a message but before recording it leaves a
 * claim that expires, and that one recipient is sent again (at least once, as outbound emails).
 * The last outcome of a campaign finishes it in the same transaction (finishCampaignIfDone).
 */
import type { Core } from "../core.js";
import { claimDueRows } from "../shared/claim-due.js";
import type { SkipReason } from "./campaign.types.js";
import { finishCampaignIfDone, lockCampaign, type RecipientRow } from "./campaign-records.js";

/** Claims due recipients for a worker, and marks their campaigns `sending`. */
export async function claimDueRecipients(
  core: Core,
  options: { workerId: string; limit: number; claimSeconds: number },
): Promise<RecipientRow[]> {
  const claimed = await claimDueRows(core, "campaign_recipients", options);
  const at = core.clock.now().toISOString();
  const campaignIds = [...new Set(claimed.map((row) => row.campaign_id))];
  if (campaignIds.length > 0) {
    await core.db
      .updateTable("campaigns")
      .set({ status: "sending", updated_at: at })
      .where("id", "in", campaignIds)
      .where("status", "=", "queued")
      .execute();
  }
  return claimed;
}

export type RecipientOutcome =
  | { kind: "sent"; providerMessageId: string | null }
  | { kind: "retry"; error: string; nextAttemptAt: Date }
  | { kind: "failed"; error: string }
  | { kind: "skipped"; reason: SkipReason };

/**
 * Records one attempt of a claimed recipient in one transaction, finishing its campaign when it
 * was the last one outstanding. Does nothing if the claim was lost meanwhile. Returns whether the
 * outcome was recorded.
 */
export async function recordRecipientOutcome(
  core: Core,
  claimed: RecipientRow,
  workerId: string,
  outcome: RecipientOutcome,
): Promise<boolean> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    // Campaign first, then the recipient: the same lock order for every outcome of a campaign,
    // so the last two outcomes cannot both miss each other's update.
    await lockCampaign(trx, core.engine, claimed.campaign_id);
    const current = await trx
      .selectFrom("campaign_recipients")
      .select(["id", "attempts"])
      .where("id", "=", claimed.id)
      .where("claimed_by", "=", workerId)
      .where("status", "=", "sending")
      .executeTakeFirst();
    if (!current) return false;
    const release = { claimed_by: null, claimed_until: null };
    const attempts = Number(current.attempts) + (outcome.kind === "skipped" ? 0 : 1);
    const set =
      outcome.kind === "retry"
        ? {
            ...release,
            attempts,
            status: "queued" as const,
            last_error: outcome.error,
            next_attempt_at: outcome.nextAttemptAt.toISOString(),
          }
        : outcome.kind === "sent"
          ? {
              ...release,
              attempts,
              status: "sent" as const,
              next_attempt_at: null,
              provider_message_id: outcome.providerMessageId,
              sent_at: at,
            }
          : outcome.kind === "failed"
            ? {
                ...release,
                attempts,
                status: "failed" as const,
                next_attempt_at: null,
                last_error: outcome.error,
              }
            : { ...release, status: "skipped" as const, next_attempt_at: null, skip_reason: outcome.reason };
    await trx.updateTable("campaign_recipients").set(set).where("id", "=", current.id).execute();
    if (outcome.kind !== "retry") await finishCampaignIfDone(trx, claimed.campaign_id, at);
    return true;
  });
}
