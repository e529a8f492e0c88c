/**
 * The campaign sender: claims due campaign recipients (core/campaigns/campaign-delivery.ts) and
 * sends each one message — an email over the campaign's email connection (nodemailer, through the
 * email sender's sendSmtpMessage: the same host checks and password handling), or a WhatsApp
 * template message through the Cloud API (jobs/whatsapp-client.ts).
 *
 * - Just before sending, the address is checked against the unsubscribes again: an address that
 *   unsubscribed since the campaign was created is `skipped` (unsubscribed), not sent.
 * - Email: placeholders rendered (HTML-escaped in the body), a footer with the unsubscribe link
 *   appended when the HTML does not use {{unsubscribe_url}}, `List-Unsubscribe` (and RFC 8058
 *   `List-Unsubscribe-Post`) headers, a plain-text part generated from the rendered HTML.
 * - Outcomes: accepted = `sent`. Email: a 5xx reply, bad credentials, a refused host or a
 *   deleted/disabled connection = `failed`; 4xx and transport errors are retried. WhatsApp: 429,
 *   5xx and network errors are retried; any other 4xx, a refused host or a deleted/disabled
 *   connection = `failed`. Retries follow retryScheduleMs (default: the email sender's 30 s, 2 min,
 *   10 min, 1 h, 6 h, ±20% jitter); after the last one, `failed`.
 * - Throttling: at most perConnectionPerSecond messages per second per connection (default 10),
 *   per worker process (each `kith serve` / `kith worker` process keeps its own pace).
 */
import { hostname } from "node:os";
import {
  escapeHtml,
  type RecipientVariables,
  render,
  usesPlaceholder,
} from "../core/campaigns/campaign.rules.js";
import {
  claimDueRecipients,
  type RecipientOutcome,
  recordRecipientOutcome,
} from "../core/campaigns/campaign-delivery.js";
import type { CampaignRow, RecipientRow } from "../core/campaigns/campaign-records.js";
import { isUnsubscribed, unsubscribeToken, unsubscribeUrl } from "../core/campaigns/unsubscribes.js";
import type { Core } from "../core/core.js";
import { htmlToText } from "../core/email/html-text.js";
import { newId } from "../core/ids.js";
import { openSecret } from "../core/webhooks/signing.js";
import {
  describe,
  EMAIL_RETRY_SCHEDULE_MS,
  failOrRetry,
  isPermanentSmtpFailure,
  sendSmtpMessage,
} from "./email-sender.js";
import { PollingLoop } from "./polling-loop.js";
import type { DispatcherLogger } from "./webhook-dispatcher.js";
import { WhatsAppClient, WhatsAppSendError } from "./whatsapp-client.js";

export interface CampaignSenderOptions {
  core: Core;
  /** The server secret: opens passwords and tokens, signs unsubscribe links. */
  serverSecret: string;
  /** KITH_WEBHOOK_ALLOW_PRIVATE: allow loopback and private SMTP hosts and WhatsApp base URLs. */
  allowPrivate: boolean;
  /** The server's public URL; unsubscribe links are `${publicBaseUrl}/unsubscribe/<token>`. */
  publicBaseUrl: string;
  retryScheduleMs?: readonly number[];
  /** Messages per second per connection (default 10). */
  perConnectionPerSecond?: number;
  logger?: DispatcherLogger;
  workerId?: string;
  pollMs?: number;
  claimBatch?: number;
  claimSeconds?: number;
  /** SMTP connection/greeting timeout and WhatsApp request timeout. */
  connectionTimeoutMs?: number;
  /** Uniform in [0, 1); drives the retry jitter. */
  random?: () => number;
}

const silent: DispatcherLogger = { info() {}, warn() {}, error() {} };

/** A failure no retry can fix (a deleted or disabled connection). */
class Permanent extends Error {}

export class CampaignSender {
  readonly workerId: string;
  private readonly core: Core;
  private readonly logger: DispatcherLogger;
  private readonly schedule: readonly number[];
  private readonly random: () => number;
  private readonly whatsapp: WhatsAppClient;
  private readonly intervalMs: number;
  /** The earliest time (ms) the next message of each connection may go. */
  private readonly nextSlot = new Map<string, number>();
  private readonly polling: PollingLoop;

  constructor(private readonly options: CampaignSenderOptions) {
    this.core = options.core;
    this.logger = options.logger ?? silent;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:campaign:${newId().slice(-12)}`;
    this.schedule = options.retryScheduleMs ?? EMAIL_RETRY_SCHEDULE_MS;
    this.random = options.random ?? Math.random;
    this.polling = new PollingLoop(async () => (await this.runOnce()) > 0, {
      pollMs: options.pollMs ?? 1000,
      logger: this.logger,
      name: "campaign sender",
    });
    this.intervalMs = 1000 / Math.max(0.001, options.perConnectionPerSecond ?? 10);
    this.whatsapp = new WhatsAppClient({
      allowPrivate: options.allowPrivate,
      timeoutMs: options.connectionTimeoutMs ?? 10_000,
    });
  }

  /** Starts the polling loop (idempotent). */
  start(): void {
    this.polling.start();
  }

  /** Stops polling and waits for the sends in flight to finish. */
  async stop(): Promise<void> {
    await this.polling.stop();
    this.whatsapp.close();
  }

  /** One claim round, sending what it claimed; returns how many recipients it attempted. */
  async runOnce(): Promise<number> {
    const claimed = await claimDueRecipients(this.core, {
      workerId: this.workerId,
      limit: this.options.claimBatch ?? 20,
      claimSeconds: this.options.claimSeconds ?? 300,
    });
    const campaigns = new Map<string, Promise<CampaignRow | undefined>>();
    const campaignOf = (id: string) => {
      let campaign = campaigns.get(id);
      if (!campaign) {
        campaign = this.core.db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
        campaigns.set(id, campaign);
      }
      return campaign;
    };
    await Promise.allSettled(
      claimed.map((recipient) =>
        this.attempt(recipient, campaignOf).catch((error) =>
          this.logger.error({ err: error, recipient: recipient.id }, "recording a campaign attempt failed"),
        ),
      ),
    );
    return claimed.length;
  }

  /** Waits for the connection's next free slot (reserved at once, so concurrent sends queue up). */
  private async throttle(connectionId: string): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot.get(connectionId) ?? 0);
    this.nextSlot.set(connectionId, slot + this.intervalMs);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  private async attempt(
    recipient: RecipientRow,
    campaignOf: (id: string) => Promise<CampaignRow | undefined>,
  ): Promise<void> {
    const campaign = await campaignOf(recipient.campaign_id);
    let outcome: RecipientOutcome;
    if (!campaign || recipient.address === null) {
      outcome = { kind: "failed", error: "the campaign or the address is gone" };
    } else if (
      await isUnsubscribed(this.core.db, {
        workspaceId: recipient.workspace_id,
        channel: campaign.channel,
        address: recipient.address,
      })
    ) {
      outcome = { kind: "skipped", reason: "unsubscribed" };
    } else {
      try {
        await this.throttle((campaign.email_connection_id ?? campaign.whatsapp_connection_id)!);
        const providerMessageId =
          campaign.channel === "email"
            ? await this.sendEmail(campaign, recipient)
            : await this.sendWhatsApp(campaign, recipient);
        outcome = { kind: "sent", providerMessageId };
      } catch (error) {
        outcome = this.outcomeOf(error, Number(recipient.attempts) + 1);
        this.logger.warn(
          { recipient: recipient.id, outcome: outcome.kind, error: describe(error) },
          "campaign message not sent",
        );
      }
    }
    await recordRecipientOutcome(this.core, recipient, this.workerId, outcome);
  }

  private outcomeOf(error: unknown, attempt: number): RecipientOutcome {
    const permanent =
      error instanceof Permanent ||
      (error instanceof WhatsAppSendError ? !error.transient : isPermanentSmtpFailure(error));
    return failOrRetry(error, permanent, attempt, {
      schedule: this.schedule,
      random: this.random,
      now: this.core.clock.now(),
    });
  }

  /** The recipient's placeholder values, with their unsubscribe link. */
  private variablesOf(
    campaign: CampaignRow,
    recipient: RecipientRow,
  ): RecipientVariables & { unsubscribe_url: string } {
    const token = unsubscribeToken(this.options.serverSecret, {
      workspaceId: recipient.workspace_id,
      channel: campaign.channel,
      address: recipient.address!,
    });
    return {
      ...(JSON.parse(recipient.variables) as RecipientVariables),
      unsubscribe_url: unsubscribeUrl(this.options.publicBaseUrl, token),
    };
  }

  private async sendEmail(campaign: CampaignRow, recipient: RecipientRow): Promise<string | null> {
    const values = this.variablesOf(campaign, recipient);
    const template = campaign.html ?? "";
    let html = render(template, values, true);
    if (!usesPlaceholder(template, "unsubscribe_url")) html = withFooter(html, values.unsubscribe_url);
    return sendSmtpMessage(
      {
        core: this.core,
        serverSecret: this.options.serverSecret,
        allowPrivate: this.options.allowPrivate,
        connectionTimeoutMs: this.options.connectionTimeoutMs,
      },
      campaign.email_connection_id!,
      {
        to: recipient.address!,
        subject: render(campaign.subject ?? "", values, false).replace(/[\r\n]+/g, " "),
        html,
        text: htmlToText(html),
        headers: {
          "List-Unsubscribe": `<${values.unsubscribe_url}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          "X-Kith-Campaign-Id": campaign.id,
          "X-Kith-Recipient-Id": recipient.id,
        },
      },
    );
  }

  private async sendWhatsApp(campaign: CampaignRow, recipient: RecipientRow): Promise<string> {
    const connection = await this.core.db
      .selectFrom("whatsapp_connections")
      .select(["base_url", "phone_number_id", "token", "status", "deleted_at"])
      .where("id", "=", campaign.whatsapp_connection_id!)
      .executeTakeFirst();
    if (!connection || connection.deleted_at) throw new Permanent("the WhatsApp connection was deleted");
    if (connection.status !== "active") throw new Permanent("the WhatsApp connection is disabled");
    const values = this.variablesOf(campaign, recipient);
    const parameters = (JSON.parse(campaign.template_variables ?? "[]") as string[]).map((text) =>
      render(text, values, false),
    );
    return this.whatsapp.send({
      baseUrl: connection.base_url,
      phoneNumberId: connection.phone_number_id,
      token: openSecret(this.options.serverSecret, connection.token),
      to: recipient.address!,
      templateName: campaign.template_name!,
      language: campaign.template_language!,
      parameters,
    });
  }
}

/** The HTML with an unsubscribe footer, inside </body> when there is one. */
function withFooter(html: string, url: string): string {
  const link = escapeHtml(url);
  const footer = `<p style="font-size:12px;color:#666">Don't want these emails? <a href="${link}">Unsubscribe</a>.</p>`;
  const end = html.search(/<\/body\s*>/i);
  return end === -1 ? `${html}${footer}` : `${html.slice(0, end)}${footer}${html.slice(end)}`;
}

export function createCampaignSender(options: CampaignSenderOptions): CampaignSender {
  return new CampaignSender(options);
}
