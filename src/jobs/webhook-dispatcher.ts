/**
 * The webhook dispatcher: fans events out into deliveries, claims due deliveries and sends them.
 * Runs inside `kith serve` and alone as `kith worker`; any number may run against one database.
 *
 * - Delivery is at-least-once: a delivery is claimed for `claimSeconds` (KITH_WEBHOOK_CLAIM_SECONDS,
 *   60 s); a worker that dies mid-send leaves the claim to expire, and another worker sends it again
 *   with the same `webhook-id`.
 * - Each attempt: POST, 10 s timeout, redirects not followed (3xx is a failure), DNS answers
 *   checked when dialling (safeLookup). 2xx succeeds; 410 disables the webhook; anything else is
 *   retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 10 h, 10 h (±20% jitter; 429/503
 *   `Retry-After` honoured within [5 s, 1 h]); after the 10th attempt the delivery has failed.
 * - Concurrency: at most `perWebhook` (8) sends in flight per webhook and `maxInFlight` (32)
 *   overall, per process, so a slow receiver holds at most a quarter of a worker's capacity.
 * - While work remains the loop claims again as soon as a send slot frees; it polls every `pollMs`
 *   only when idle (and `wake()` ends that wait when the process itself wrote events).
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { hostname } from "node:os";
import type { Clock } from "../core/clock.js";
import type { Core } from "../core/core.js";
import { newId } from "../core/ids.js";
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  cancelDelivery,
  claimDueDeliveries,
  fanOutEvents,
  recordAttempt,
  releaseClaims,
} from "../core/webhooks/deliveries.js";
import { deliveryRequest, openSecret } from "../core/webhooks/signing.js";
import { isForbiddenAddress, safeLookup } from "../core/webhooks/webhook-url.js";
import { retryDelayMs } from "./webhook-retry.js";

export interface DispatcherLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface DispatcherOptions {
  core: Core;
  /** The server secret (ensureServerSecret) that seals webhook secrets. */
  serverSecret: string;
  allowPrivate: boolean;
  /** Defaults to the core's clock. */
  clock?: Clock;
  /** Uniform in [0, 1); drives the retry jitter. */
  random?: () => number;
  logger?: DispatcherLogger;
  workerId?: string;
  pollMs?: number;
  claimBatch?: number;
  claimSeconds?: number;
  timeoutMs?: number;
  maxInFlight?: number;
  perWebhook?: number;
}

export interface RunResult {
  fannedOut: number;
  sent: number;
}

const RESPONSE_BODY_LIMIT = 2048;
const NOTIFY_DELAY_MS = 20;
/** Opened webhook secrets kept per process (sealed text → secret); the map is emptied when full. */
const OPENED_SECRETS_KEPT = 1000;
const silent: DispatcherLogger = { info() {}, warn() {}, error() {} };

export class WebhookDispatcher {
  private readonly core: Core;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: DispatcherLogger;
  readonly workerId: string;
  private readonly pollMs: number;
  private readonly claimBatch: number;
  private readonly claimSeconds: number;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly perWebhook: number;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly gaps = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly inFlightPerWebhook = new Map<string, number>();
  private readonly openedSecrets = new Map<string, string>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private notified = false;
  private notifyTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.core = options.core;
    this.clock = options.clock ?? options.core.clock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silent;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${newId().slice(-12)}`;
    this.pollMs = options.pollMs ?? 200;
    this.claimBatch = options.claimBatch ?? 32;
    this.claimSeconds = options.claimSeconds ?? 60;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxInFlight = options.maxInFlight ?? 32;
    this.perWebhook = options.perWebhook ?? 8;
    const lookup = safeLookup(options.allowPrivate) as unknown as http.AgentOptions["lookup"];
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: this.maxInFlight, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: this.maxInFlight, lookup });
  }

  /** Starts the polling loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Ends the poll's sleep now. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * New events were committed in this process: run a round within NOTIFY_DELAY_MS instead of at
   * the next poll. The delay gathers a burst of writes into one fan-out.
   */
  notify(): void {
    this.notified = true;
    if (this.wakeUp && !this.notifyTimer) {
      this.notifyTimer = setTimeout(() => {
        this.notifyTimer = null;
        this.wakeUp?.();
      }, NOTIFY_DELAY_MS);
    }
  }

  /** Stops polling and waits for the sends in flight to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    this.wake();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.inFlight]);
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** One fan-out and one claim round, waiting for the sends it started (for tests and tools). */
  async runOnce(): Promise<RunResult> {
    const fannedOut = await this.fanOut();
    const started = await this.claimAndSend();
    await Promise.allSettled(started);
    return { fannedOut, sent: started.length };
  }

  private async fanOut(): Promise<number> {
    let total = 0;
    // Drain what is there, a batch at a time, but never for long in one go.
    for (let round = 0; round < 10; round++) {
      const { events, deliveries } = await fanOutEvents(this.core, { gaps: this.gaps });
      total += deliveries;
      if (events === 0) break;
    }
    return total;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      this.notified = false;
      try {
        const fannedOut = await this.fanOut();
        const started = await this.claimAndSend();
        busy = fannedOut > 0 || started.length > 0;
      } catch (error) {
        this.logger.error({ err: error }, "webhook dispatcher round failed");
      }
      if (this.stopping) break;
      // When sends are all in flight, wait for one to finish rather than spin.
      if (busy && this.inFlight.size < this.maxInFlight) continue;
      // A write noticed during the round is picked up soon, not after a whole poll.
      await this.sleep(this.notified ? NOTIFY_DELAY_MS : this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
      for (const pending of this.inFlight)
        pending.then(
          () => this.wakeUp?.(),
          () => this.wakeUp?.(),
        );
    });
  }

  /** Claims what capacity allows and starts sending it; returns the started sends. */
  private async claimAndSend(): Promise<Promise<void>[]> {
    const capacity = Math.min(this.claimBatch, this.maxInFlight - this.inFlight.size);
    if (capacity <= 0) return [];
    const saturated = [...this.inFlightPerWebhook].filter(([, n]) => n >= this.perWebhook).map(([id]) => id);
    const claimed = await claimDueDeliveries(this.core, {
      workerId: this.workerId,
      limit: capacity,
      claimSeconds: this.claimSeconds,
      excludeWebhooks: saturated,
    });
    if (claimed.length === 0) return [];
    const webhooks = await this.loadWebhooks(claimed);
    const started: Promise<void>[] = [];
    const excess: string[] = [];
    for (const delivery of claimed) {
      const running = this.inFlightPerWebhook.get(delivery.webhook_id) ?? 0;
      if (running >= this.perWebhook) {
        excess.push(delivery.id);
        continue;
      }
      this.inFlightPerWebhook.set(delivery.webhook_id, running + 1);
      const send = this.deliver(delivery, webhooks.get(delivery.webhook_id))
        .catch((error) => this.logger.error({ err: error, delivery: delivery.id }, "webhook delivery failed"))
        .finally(() => {
          this.inFlight.delete(send);
          const left = (this.inFlightPerWebhook.get(delivery.webhook_id) ?? 1) - 1;
          if (left <= 0) this.inFlightPerWebhook.delete(delivery.webhook_id);
          else this.inFlightPerWebhook.set(delivery.webhook_id, left);
        });
      this.inFlight.add(send);
      started.push(send);
    }
    await releaseClaims(this.core, this.workerId, excess);
    return started;
  }

  /** The webhooks of a claimed batch, read once for the batch (at claim time, so current). */
  private async loadWebhooks(claimed: ClaimedDelivery[]): Promise<Map<string, WebhookTarget>> {
    const ids = [...new Set(claimed.map((delivery) => delivery.webhook_id))];
    const rows = await this.core.db
      .selectFrom("webhooks")
      .select([
        "id",
        "dialect",
        "url",
        "secret",
        "previous_secret",
        "previous_secret_expires_at",
        "active",
        "deleted_at",
      ])
      .where("id", "in", ids)
      .execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Opens a sealed secret, remembering the answer: every send needs it, and it rarely changes. */
  private secretOf(sealed: string): string {
    let plain = this.openedSecrets.get(sealed);
    if (plain === undefined) {
      if (this.openedSecrets.size >= OPENED_SECRETS_KEPT) this.openedSecrets.clear();
      plain = openSecret(this.options.serverSecret, sealed);
      this.openedSecrets.set(sealed, plain);
    }
    return plain;
  }

  private async deliver(delivery: ClaimedDelivery, webhook: WebhookTarget | undefined): Promise<void> {
    if (webhook?.active !== 1 || webhook.deleted_at) {
      await cancelDelivery(this.core, delivery.id);
      return;
    }
    const now = this.clock.now();
    const secrets = [this.secretOf(webhook.secret)];
    if (
      webhook.previous_secret &&
      webhook.previous_secret_expires_at &&
      new Date(webhook.previous_secret_expires_at).getTime() > now.getTime()
    ) {
      secrets.push(this.secretOf(webhook.previous_secret));
    }
    const { body, headers } = deliveryRequest(webhook.dialect, {
      id: delivery.id,
      timestamp: Math.floor(now.getTime() / 1000),
      payload: delivery.payload,
      secrets,
    });

    const attempt = Number(delivery.attempts) + 1;
    const startedAt = now;
    const started = performance.now();
    const result = await this.post(webhook.url, body, headers);
    const durationMs = performance.now() - started;
    const outcome = this.outcomeOf(result, attempt);
    await recordAttempt(
      this.core,
      {
        deliveryId: delivery.id,
        webhookId: delivery.webhook_id,
        workspaceId: delivery.workspace_id,
        attempt,
        startedAt,
        durationMs,
        statusCode: result.statusCode,
        responseBody: result.body,
        error: result.error,
      },
      outcome,
    );
  }

  private outcomeOf(result: PostResult, attempt: number): AttemptOutcome {
    const status = result.statusCode;
    if (status !== null && status >= 200 && status < 300) return { kind: "succeeded" };
    if (status === 410) return { kind: "gone" };
    const delay = retryDelayMs(
      attempt,
      this.random,
      status === 429 || status === 503 ? result.retryAfter : null,
      this.clock.now(),
    );
    if (delay === null) return { kind: "failed" };
    return { kind: "retry", nextAttemptAt: new Date(this.clock.now().getTime() + delay) };
  }

  private post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (error: string) => finish({ statusCode: null, body: null, error, retryAfter: null });
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return fail("invalid URL");
      }
      if (target.protocol !== "http:" && target.protocol !== "https:")
        return fail("URL must use http or https");
      // Node does not call `lookup` for IP literals, so check those here.
      const host = target.hostname.replace(/^\[|\]$/g, "");
      if (!this.options.allowPrivate && isIP(host)) {
        const reason = isForbiddenAddress(host);
        if (reason) return fail(`refused to connect to a ${reason} address`);
      }
      const secure = target.protocol === "https:";
      const request = (secure ? https : http).request(target, {
        method: "POST",
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: {
          ...headers,
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Kith-Webhooks/1",
        },
      });
      timer = setTimeout(() => {
        request.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      request.on("error", (error: NodeJS.ErrnoException) => fail(describeError(error)));
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on("data", (chunk: Buffer) => {
          if (kept < RESPONSE_BODY_LIMIT) {
            chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - kept));
            kept += Math.min(chunk.length, RESPONSE_BODY_LIMIT - kept);
          }
        });
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            body: Buffer.concat(chunks).toString("utf8"),
            error: null,
            retryAfter: header(response.headers["retry-after"]),
          });
        response.on("end", done);
        response.on("error", done);
        response.on("aborted", done);
      });
      request.end(body);
    });
  }
}

interface WebhookTarget {
  dialect: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  active: number;
  deleted_at: string | null;
}

interface PostResult {
  statusCode: number | null;
  body: string | null;
  error: string | null;
  retryAfter: string | null;
}

const header = (value: string | string[] | undefined) =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);

/** A short, safe description of a transport error (no stack, no secrets). */
function describeError(error: NodeJS.ErrnoException): string {
  const message = error.message || String(error);
  return (error.code && !message.includes(error.code) ? `${error.code}: ${message}` : message).slice(0, 500);
}

/** Builds a dispatcher for a running process (serve or worker) from its core and config. */
export function createWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  return new WebhookDispatcher(options);
}
