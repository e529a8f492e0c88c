/**
 * The email sender: claims due outbound emails (see core/email/outbound-emails.service.ts) and
 * sends each over SMTP with nodemailer, using its connection's settings (the password opened with
 * the server secret). Runs inside `kith serve` and `kith worker`, next to the webhook dispatcher.
 *
 * Outcomes
 * - The server accepted the message: `sent`.
 * - A 5xx SMTP reply (550 mailbox unavailable, 535 bad credentials, …), a host that is refused (see
 *   below), or a connection that was disabled or deleted since the message was queued: `failed` at
 *   once — trying again would not help.
 * - A 4xx SMTP reply (451, 421 greylisting, …) or a transport error (refused, reset, timed out,
 *   DNS): retried after 30 s, 2 min, 10 min, 1 h and 6 h (±20% jitter), so 6 attempts in all over
 *   about 7 h; then `failed`.
 *
 * Private hosts: like webhook URLs, an SMTP host whose address is loopback, private, link-local or
 * otherwise non-public is refused unless KITH_WEBHOOK_ALLOW_PRIVATE is set (a local relay, tests).
 * The host is resolved here and the connection made to the checked address (TLS still verifies the
 * host name), so a DNS answer cannot change between the check and the connection.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { hostname } from "node:os";
import nodemailer from "nodemailer";
import type { Core } from "../core/core.js";
import {
  claimDueEmails,
  type OutboundEmailRow,
  recordSendOutcome,
  type SendOutcome,
} from "../core/email/outbound-emails.service.js";
import { newId } from "../core/ids.js";
import { openSecret } from "../core/webhooks/signing.js";
import { isForbiddenAddress } from "../core/webhooks/webhook-url.js";
import { PollingLoop } from "./polling-loop.js";
import type { DispatcherLogger } from "./webhook-dispatcher.js";
import { scheduledDelayMs } from "./webhook-retry.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The delay before the next attempt after the n-th failed one; its length + 1 is the attempt limit. */
export const EMAIL_RETRY_SCHEDULE_MS: readonly number[] = [
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  HOUR,
  6 * HOUR,
];

/**
 * What a failed send leads to: `failed` when it was permanent or the schedule is spent, else a
 * retry after the schedule's jittered delay.
 */
export function failOrRetry(
  error: unknown,
  permanent: boolean,
  attempt: number,
  retry: { schedule: readonly number[]; random: () => number; now: Date },
): { kind: "failed"; error: string } | { kind: "retry"; error: string; nextAttemptAt: Date } {
  const message = describe(error);
  const delay = permanent ? null : scheduledDelayMs(retry.schedule, attempt, retry.random);
  if (delay === null) return { kind: "failed", error: message };
  return { kind: "retry", error: message, nextAttemptAt: new Date(retry.now.getTime() + delay) };
}

export interface EmailSenderOptions {
  core: Core;
  /** The server secret (ensureServerSecret) that seals connection passwords. */
  serverSecret: string;
  /** KITH_WEBHOOK_ALLOW_PRIVATE: allow loopback and private SMTP hosts. */
  allowPrivate: boolean;
  logger?: DispatcherLogger;
  workerId?: string;
  pollMs?: number;
  claimBatch?: number;
  /** Longer than one send can take (connection, greeting and socket timeouts together). */
  claimSeconds?: number;
  /** SMTP connection and greeting timeout. */
  connectionTimeoutMs?: number;
  retryScheduleMs?: readonly number[];
  /** Uniform in [0, 1); drives the retry jitter. */
  random?: () => number;
}

const silent: DispatcherLogger = { info() {}, warn() {}, error() {} };

/** A failure that no retry can fix. */
export class PermanentFailure extends Error {}

interface Connection {
  from_email: string;
  from_name: string | null;
  host: string;
  port: number;
  secure: number;
  username: string | null;
  password: string | null;
  status: string;
  deleted_at: string | null;
}

export class EmailSender {
  readonly workerId: string;
  private readonly core: Core;
  private readonly logger: DispatcherLogger;
  private readonly schedule: readonly number[];
  private readonly random: () => number;
  private readonly polling: PollingLoop;

  constructor(private readonly options: EmailSenderOptions) {
    this.core = options.core;
    this.logger = options.logger ?? silent;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:email:${newId().slice(-12)}`;
    this.schedule = options.retryScheduleMs ?? EMAIL_RETRY_SCHEDULE_MS;
    this.random = options.random ?? Math.random;
    this.polling = new PollingLoop(async () => (await this.runOnce()) > 0, {
      pollMs: options.pollMs ?? 1000,
      logger: this.logger,
      name: "email sender",
    });
  }

  /** Starts the polling loop (idempotent). */
  start(): void {
    this.polling.start();
  }

  /** Stops polling and waits for the sends in flight to finish (each bounded by its timeouts). */
  async stop(): Promise<void> {
    await this.polling.stop();
  }

  /** One claim round, sending what it claimed; returns how many messages it attempted. */
  async runOnce(): Promise<number> {
    const claimed = await claimDueEmails(this.core, {
      workerId: this.workerId,
      limit: this.options.claimBatch ?? 8,
      claimSeconds: this.options.claimSeconds ?? 300,
    });
    await Promise.allSettled(
      claimed.map((email) =>
        this.attempt(email).catch((error) =>
          this.logger.error({ err: error, email: email.id }, "recording an email attempt failed"),
        ),
      ),
    );
    return claimed.length;
  }

  private async attempt(email: OutboundEmailRow): Promise<void> {
    let outcome: SendOutcome;
    try {
      const messageId = await this.send(email);
      outcome = { kind: "sent", messageId };
    } catch (error) {
      outcome = this.outcomeOf(error, Number(email.attempts) + 1);
      this.logger.warn({ email: email.id, outcome: outcome.kind, error: describe(error) }, "email not sent");
    }
    await recordSendOutcome(this.core, email, this.workerId, outcome);
  }

  private outcomeOf(error: unknown, attempt: number): SendOutcome {
    return failOrRetry(error, isPermanentSmtpFailure(error), attempt, {
      schedule: this.schedule,
      random: this.random,
      now: this.core.clock.now(),
    });
  }

  /** Sends one message; resolves with the Message-ID, throws on any failure. */
  private send(email: OutboundEmailRow): Promise<string | null> {
    return sendSmtpMessage(this.options, email.connection_id, {
      to: email.to_email,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: { "X-Kith-Email-Id": email.id },
    });
  }
}

/** What sendSmtpMessage needs: the core, the key that opens passwords, and the host policy. */
export interface SmtpSendOptions {
  core: Core;
  serverSecret: string;
  allowPrivate: boolean;
  connectionTimeoutMs?: number;
}

export interface SmtpMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** Whether an SMTP send failure is one no retry can fix (a 5xx reply, bad credentials, a refused host). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return (
    error instanceof PermanentFailure ||
    (typeof code === "number" && code >= 500) ||
    (typeof code !== "number" && (error as { code?: unknown }).code === "EAUTH")
  );
}

/**
 * Sends one message over the email connection's SMTP settings (the host checked against the
 * private-address policy and dialled at the checked address); resolves with the Message-ID,
 * throws on any failure (PermanentFailure for a deleted/disabled connection or a refused host).
 */
export async function sendSmtpMessage(
  options: SmtpSendOptions,
  connectionId: string,
  message: SmtpMessage,
): Promise<string | null> {
  const connection: Connection | undefined = await options.core.db
    .selectFrom("email_connections")
    .select([
      "from_email",
      "from_name",
      "host",
      "port",
      "secure",
      "username",
      "password",
      "status",
      "deleted_at",
    ])
    .where("id", "=", connectionId)
    .executeTakeFirst();
  if (!connection || connection.deleted_at) throw new PermanentFailure("the email connection was deleted");
  if (connection.status !== "active") throw new PermanentFailure("the email connection is disabled");
  const address = await smtpAddressOf(connection.host, options.allowPrivate);
  const timeout = options.connectionTimeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: address,
    port: Number(connection.port),
    secure: Number(connection.secure) === 1,
    // TLS verifies the configured name, not the address dialled.
    tls: isIP(connection.host) ? {} : { servername: connection.host },
    auth:
      connection.username !== null
        ? {
            user: connection.username,
            pass: connection.password ? openSecret(options.serverSecret, connection.password) : "",
          }
        : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 3 * timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({
      from: connection.from_name
        ? { name: connection.from_name, address: connection.from_email }
        : connection.from_email,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: message.headers,
    });
    return typeof info.messageId === "string" ? info.messageId : null;
  } finally {
    transport.close();
  }
}

/** The address to dial for a host: resolved once and checked against the private-address policy. */
async function smtpAddressOf(host: string, allowPrivate: boolean): Promise<string> {
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((answer) => answer.address);
    } catch (error) {
      throw Object.assign(new Error(`cannot resolve ${host}: ${describe(error)}`), { code: "EDNS" });
    }
  }
  if (!allowPrivate) {
    for (const address of addresses) {
      const reason = isForbiddenAddress(address);
      if (reason) throw new PermanentFailure(`refused to connect to a ${reason} address (${host})`);
    }
  }
  if (addresses.length === 0) throw Object.assign(new Error(`cannot resolve ${host}`), { code: "EDNS" });
  return addresses[0]!;
}

/** A short, safe description of a failure (the SMTP reply or the transport error; never a password). */
export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500);
}

export function createEmailSender(options: EmailSenderOptions): EmailSender {
  return new EmailSender(options);
}
