/**
 * `kith worker`: the background jobs alone (the webhook dispatcher, the email sender and pruning),
 * for scale-out next to any number of `kith serve` processes. On SIGTERM/SIGINT it stops claiming,
 * finishes the sends in flight and closes the database.
 */
import closeWithGrace from "close-with-grace";
import type { Config } from "../config.js";
import { ensureServerSecret } from "../core/settings.js";
import { createLogger } from "../logger.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { createCampaignSender } from "./campaign-sender.js";
import { createEmailSender } from "./email-sender.js";
import { startPruning } from "./pruning.js";
import { createWebhookDispatcher, type WebhookDispatcher } from "./webhook-dispatcher.js";

export interface RunningWorker {
  readonly runtime: Runtime;
  readonly dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

export async function startWorker(
  config: Config,
  options: { handleSignals?: boolean } = {},
): Promise<RunningWorker> {
  const runtime = await openRuntime(config);
  const serverSecret = await ensureServerSecret(runtime.core, config.secret);
  const logger = createLogger(config);
  const dispatcher = createWebhookDispatcher({
    core: runtime.core,
    serverSecret,
    allowPrivate: config.webhookAllowPrivate,
    claimSeconds: config.webhookClaimSeconds,
    logger,
  });
  dispatcher.start();
  const emailSender = createEmailSender({
    core: runtime.core,
    serverSecret,
    allowPrivate: config.webhookAllowPrivate,
    logger,
  });
  emailSender.start();
  const campaignSender = createCampaignSender({
    core: runtime.core,
    serverSecret,
    allowPrivate: config.webhookAllowPrivate,
    publicBaseUrl: config.publicUrl,
    logger,
  });
  campaignSender.start();
  const pruning = startPruning(runtime.core, { retentionDays: config.eventRetentionDays, logger });
  logger.info({ worker: dispatcher.workerId }, "webhook worker started");

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await dispatcher.stop();
      await emailSender.stop();
      await campaignSender.stop();
      await pruning.stop();
      await runtime.close();
    })();
    return closing;
  };
  if (options.handleSignals) {
    closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
      if (err) logger.error({ err }, "shutting down after an uncaught error");
      else logger.info({ signal }, "shutting down");
      await close();
    });
  }
  return { runtime, dispatcher, close };
}
