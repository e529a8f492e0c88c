/**
 * `kith serve`: the HTTP API (and, from the webhooks work on, the in-process worker) over one
 * runtime, with graceful shutdown: on SIGTERM/SIGINT the server stops accepting, lets in-flight
 * requests finish, flushes key usage and closes the database.
 */
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { ensureServerSecret } from "./core/settings.js";
import { type Bootstrapped, bootstrapDefaultWorkspace } from "./core/workspaces/bootstrap.js";
import { buildApp } from "./http/app.js";
import { createCampaignSender } from "./jobs/campaign-sender.js";
import { createEmailSender } from "./jobs/email-sender.js";
import { startPruning } from "./jobs/pruning.js";
import { createWebhookDispatcher, type WebhookDispatcher } from "./jobs/webhook-dispatcher.js";
import { createLogger } from "./logger.js";
import { createMetrics, createRateLimiter, openRuntime, type Runtime } from "./runtime.js";

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly runtime: Runtime;
  readonly bootstrapped: Bootstrapped | null;
  /** The in-process webhook dispatcher (null when started with `worker: false`). */
  readonly dispatcher: WebhookDispatcher | null;
  close(): Promise<void>;
}

const LAST_USED_FLUSH_MS = 15_000;

export async function startServer(
  config: Config,
  options: { handleSignals?: boolean; worker?: boolean } = {},
): Promise<RunningServer> {
  const logger = createLogger(config);
  const runtime = await openRuntime(config, { sharedBus: { logger } });
  const { core } = runtime;
  const serverSecret = await ensureServerSecret(core, config.secret);
  const bootstrapped = config.bootstrap ? await bootstrapDefaultWorkspace(core) : null;

  const metrics = createMetrics({ defaultMetrics: true });
  const limiter = await createRateLimiter(config, metrics, logger);
  let dispatcher: WebhookDispatcher | null = null;
  const app = await buildApp({
    config,
    core,
    metrics,
    limiter,
    logger,
    ready: () => runtime.handle.ping(),
    // Deliver this process's own writes without waiting for the next poll.
    afterWrite: () => dispatcher?.notify(),
  });

  const flushTimer = setInterval(() => {
    core.keys.flushLastUsed().catch((error) => app.log.warn({ err: error }, "could not record key usage"));
  }, LAST_USED_FLUSH_MS);
  flushTimer.unref();

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  dispatcher =
    options.worker === false
      ? null
      : createWebhookDispatcher({
          core,
          serverSecret,
          allowPrivate: config.webhookAllowPrivate,
          claimSeconds: config.webhookClaimSeconds,
          logger: app.log,
        });
  dispatcher?.start();
  // Outbound email goes with the worker too (same private-host policy as webhooks).
  const emailSender = dispatcher
    ? createEmailSender({ core, serverSecret, allowPrivate: config.webhookAllowPrivate, logger: app.log })
    : null;
  emailSender?.start();
  // Campaigns too; their unsubscribe links point at KITH_PUBLIC_URL.
  const campaignSender = dispatcher
    ? createCampaignSender({
        core,
        serverSecret,
        allowPrivate: config.webhookAllowPrivate,
        publicBaseUrl: config.publicUrl,
        logger: app.log,
      })
    : null;
  campaignSender?.start();
  // Retention runs with the worker: events and delivery logs past KITH_EVENT_RETENTION_DAYS.
  const pruning = dispatcher
    ? startPruning(core, { retentionDays: config.eventRetentionDays, logger: app.log })
    : null;

  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(flushTimer);
      // The dispatcher first: it finishes its sends in flight (each bounded by its timeout).
      await dispatcher?.stop();
      await emailSender?.stop();
      await campaignSender?.stop();
      await pruning?.stop();
      await app.close();
      await limiter.close();
      await runtime.close();
    })();
    return closing;
  };
  if (options.handleSignals) {
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) app.log.error({ err }, "shutting down after an uncaught error");
      else app.log.info({ signal }, "shutting down");
      await close();
    });
  }
  return { app, url, runtime, bootstrapped, dispatcher, close };
}
