/**
 * Unsubscribing from a workspace's campaigns on one channel.
 *
 * The token is `<payload>.<mac>`: payload = base64url of `v1\n<workspace id>\n<channel>\n<address>`
 * and mac = base64url of HMAC-SHA256(key = SHA-256("kith-campaign-unsubscribe\n" + server secret),
 * payload). It needs no storage and never expires; whoever holds it can unsubscribe that one address
 * from that one channel, nothing else. The address is readable inside the token (it is the
 * recipient's own link).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Core, Executor } from "../core.js";
import { validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { CAMPAIGN_CHANNELS, type CampaignChannel } from "./campaign.types.js";

const VERSION = "v1";

function macOf(serverSecret: string, payload: string): Buffer {
  const key = createHash("sha256").update(`kith-campaign-unsubscribe\n${serverSecret}`, "utf8").digest();
  return createHmac("sha256", key).update(payload, "utf8").digest();
}

export interface UnsubscribeTarget {
  workspaceId: string;
  channel: CampaignChannel;
  /** Lower-case email or E.164 phone, as recipients store it. */
  address: string;
}

export function unsubscribeToken(serverSecret: string, target: UnsubscribeTarget): string {
  const payload = Buffer.from(
    [VERSION, target.workspaceId, target.channel, target.address].join("\n"),
    "utf8",
  ).toString("base64url");
  return `${payload}.${macOf(serverSecret, payload).toString("base64url")}`;
}

/** The target a token names, or null when it is malformed or was not made with this secret. */
export function readUnsubscribeToken(serverSecret: string, token: unknown): UnsubscribeTarget | null {
  if (typeof token !== "string" || token.length > 2048) return null;
  const [payload, mac, extra] = token.split(".");
  if (!payload || !mac || extra !== undefined) return null;
  const expected = macOf(serverSecret, payload);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [version, workspaceId, channel, address, more] = Buffer.from(payload, "base64url")
    .toString("utf8")
    .split("\n");
  if (version !== VERSION || !workspaceId || !address || more !== undefined) return null;
  if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel ?? "")) return null;
  return { workspaceId, channel: channel as CampaignChannel, address };
}

/** `${baseUrl}/unsubscribe/${token}` (a trailing slash of baseUrl is dropped). */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/unsubscribe/${token}`;
}

/** Whether the address unsubscribed from the workspace's campaigns on the channel. */
export async function isUnsubscribed(db: Executor, target: UnsubscribeTarget): Promise<boolean> {
  const row = await db
    .selectFrom("campaign_unsubscribes")
    .select("address")
    .where("workspace_id", "=", target.workspaceId)
    .where("channel", "=", target.channel)
    .where("address", "=", target.address)
    .executeTakeFirst();
  return row !== undefined;
}

/** Of the addresses, those unsubscribed on the channel (looked up in chunks). */
export async function unsubscribedAmong(
  db: Executor,
  workspaceId: string,
  channel: CampaignChannel,
  addresses: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < addresses.length; start += 1000) {
    const rows = await db
      .selectFrom("campaign_unsubscribes")
      .select("address")
      .where("workspace_id", "=", workspaceId)
      .where("channel", "=", channel)
      .where("address", "in", addresses.slice(start, start + 1000))
      .execute();
    for (const row of rows) found.add(row.address);
  }
  return found;
}

/**
 * Records the unsubscribe a token names (idempotent: `created` is false when it was already
 * recorded). Appends `campaign.unsubscribed` the first time. An invalid token is a VALIDATION
 * error on `token`.
 */
export async function unsubscribeByToken(
  core: Core,
  serverSecret: string,
  token: string,
): Promise<UnsubscribeTarget & { created: boolean }> {
  const target = readUnsubscribeToken(serverSecret, token);
  if (!target) throw validationError("token", "is not a valid unsubscribe token");
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const workspace = await trx
      .selectFrom("workspaces")
      .select("id")
      .where("id", "=", target.workspaceId)
      .executeTakeFirst();
    if (!workspace) throw validationError("token", "is not a valid unsubscribe token");
    const inserted = await trx
      .insertInto("campaign_unsubscribes")
      .values({
        workspace_id: target.workspaceId,
        channel: target.channel,
        address: target.address,
        created_at: at,
      })
      .onConflict((conflict) => conflict.columns(["workspace_id", "channel", "address"]).doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    if (created) {
      await appendEvent(trx, { workspaceId: target.workspaceId, actor: "system" }, at, {
        type: "campaign.unsubscribed",
        entityType: "campaign_unsubscribe",
        entityId: `${target.channel}:${target.address}`,
        data: { channel: target.channel, address: target.address },
      });
    }
    return { ...target, created };
  });
}
