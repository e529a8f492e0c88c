/**
 * The only writer of email connections. Each write commits with its event
 * (`email_connection.created`, `.updated`, `.deleted`, whose data never carries the password).
 * The password is stored sealed with the server secret (as webhook secrets are) and is never
 * returned: readers see only `hasPassword`.
 */
import { isIP } from "node:net";
import type { Selectable } from "kysely";
import type { EmailConnectionTable } from "../../db/schema.js";
import type { Core, Executor, Scope } from "../core.js";
import { allocateNumber, countLive, releaseLive } from "../counters.js";
import { conflict, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { findLiveRow } from "../shared/live-row.js";
import { normaliseText, requireEmail, requireOneOf, requireText } from "../shared/validate.js";
import { sealSecret } from "../webhooks/signing.js";
import { isForbiddenAddress } from "../webhooks/webhook-url.js";
import {
  CONNECTION_STATUSES,
  EMAIL_CHANNELS,
  EMAIL_LIMITS,
  type EmailConnection,
  type EmailConnectionInput,
  type RecordId,
} from "./email.types.js";

/** What the service needs besides the core: the key that seals passwords, and the host policy. */
export interface EmailSettings {
  serverSecret: string;
  /** KITH_WEBHOOK_ALLOW_PRIVATE: accept loopback/private SMTP hosts (tests, local relays). */
  allowPrivate: boolean;
}

const COUNTER = "email_connections";
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export type EmailConnectionRow = Selectable<EmailConnectionTable>;

export function toConnection(row: EmailConnectionRow): EmailConnection {
  return {
    id: row.id,
    number: Number(row.seq),
    channel: row.channel as EmailConnection["channel"],
    name: row.name,
    fromEmail: row.from_email,
    fromName: row.from_name,
    host: row.host,
    port: Number(row.port),
    secure: Number(row.secure) === 1,
    username: row.username,
    hasPassword: row.password !== null,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What connection events carry: the settings, never the password. */
const eventData = (connection: EmailConnection) => ({ ...connection });

/**
 * A host name or IP literal. A loopback, private or link-local IP literal is refused unless
 * allowPrivate; names are checked again when the worker dials (see jobs/email-sender.ts).
 */
export function checkHost(value: unknown, allowPrivate: boolean): string {
  const host = requireText("host", value, EMAIL_LIMITS.host).toLowerCase();
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare)) {
    const reason = isForbiddenAddress(bare);
    if (reason && !allowPrivate) throw validationError("host", `must not be a ${reason} address`);
    return bare;
  }
  if (!HOSTNAME.test(host)) throw validationError("host", "must be a host name or an IP address");
  return host;
}

function checkPort(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw validationError("port", "must be a whole number from 1 to 65535");
  }
  return value;
}

function checkPassword(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string" || value.length === 0)
    throw validationError("password", "must be a non-empty string");
  if (value.length > EMAIL_LIMITS.password) {
    throw validationError("password", `must be at most ${EMAIL_LIMITS.password} characters`);
  }
  return value;
}

function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw validationError(field, "must be true or false");
  return value;
}

/** The row columns an input sets (only the given fields), checked. */
function columnsOf(input: EmailConnectionInput, settings: EmailSettings): Partial<EmailConnectionRow> {
  const set: Partial<EmailConnectionRow> = {};
  if (input.channel !== undefined) set.channel = requireOneOf("channel", input.channel, EMAIL_CHANNELS);
  if (input.name !== undefined) set.name = requireText("name", input.name, EMAIL_LIMITS.name);
  if (input.fromEmail !== undefined) set.from_email = requireEmail("fromEmail", input.fromEmail);
  if (input.fromName !== undefined)
    set.from_name = normaliseText("fromName", input.fromName, EMAIL_LIMITS.fromName);
  if (input.host !== undefined) set.host = checkHost(input.host, settings.allowPrivate);
  if (input.port !== undefined) set.port = checkPort(input.port);
  if (input.secure !== undefined) set.secure = checkBoolean("secure", input.secure) ? 1 : 0;
  if (input.username !== undefined)
    set.username = normaliseText("username", input.username, EMAIL_LIMITS.username);
  if (input.password !== undefined) {
    const password = checkPassword(input.password);
    set.password = password === null ? null : sealSecret(settings.serverSecret, password);
  }
  if (input.status !== undefined) set.status = requireOneOf("status", input.status, CONNECTION_STATUSES);
  return set;
}

/** The live connection `ref` names (a UUID or a number) in the workspace, or undefined. */
export function findConnectionRow(
  db: Executor,
  scope: Scope,
  ref: RecordId,
): Promise<EmailConnectionRow | undefined> {
  return findLiveRow(db, "email_connections", scope, ref);
}

async function requireRow(db: Executor, scope: Scope, ref: RecordId): Promise<EmailConnectionRow> {
  const row = await findConnectionRow(db, scope, ref);
  if (!row) throw notFound("email connection");
  return row;
}

export async function listEmailConnections(core: Core, scope: Scope): Promise<EmailConnection[]> {
  const rows = await core.db
    .selectFrom("email_connections")
    .selectAll()
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .execute();
  return rows.map(toConnection);
}

export async function getEmailConnection(core: Core, scope: Scope, ref: RecordId): Promise<EmailConnection> {
  return toConnection(await requireRow(core.db, scope, ref));
}

export async function createEmailConnection(
  core: Core,
  scope: Scope,
  settings: EmailSettings,
  input: EmailConnectionInput,
): Promise<EmailConnection> {
  for (const field of ["channel", "name", "fromEmail", "host", "port"] as const) {
    if (input[field] === undefined || input[field] === null) throw validationError(field, "is required");
  }
  const set = columnsOf(input, settings);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    if ((await countLive(trx, scope.workspaceId, COUNTER)) >= EMAIL_LIMITS.perWorkspace) {
      throw conflict(`a workspace may have at most ${EMAIL_LIMITS.perWorkspace} email connections`);
    }
    const row: EmailConnectionRow = {
      id: newId(),
      workspace_id: scope.workspaceId,
      seq: await allocateNumber(trx, scope.workspaceId, COUNTER),
      channel: set.channel!,
      name: set.name!,
      from_email: set.from_email!,
      from_name: set.from_name ?? null,
      host: set.host!,
      port: set.port!,
      secure: set.secure ?? (set.port === 465 ? 1 : 0),
      username: set.username ?? null,
      password: set.password ?? null,
      status: set.status ?? "active",
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    await trx.insertInto("email_connections").values(row).execute();
    const connection = toConnection(row);
    await appendEvent(trx, scope, at, {
      type: "email_connection.created",
      entityType: "email_connection",
      entityId: row.id,
      data: eventData(connection),
    });
    return connection;
  });
}

/** Partial update; a new password is recorded in the event only as `password: {changed: true}`. */
export async function updateEmailConnection(
  core: Core,
  scope: Scope,
  settings: EmailSettings,
  ref: RecordId,
  input: EmailConnectionInput,
): Promise<EmailConnection> {
  const set = columnsOf(input, settings);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const before = await requireRow(trx, scope, ref);
    const changes: Changes = {};
    for (const [column, value] of Object.entries(set) as [keyof EmailConnectionRow, unknown][]) {
      if (column === "password") continue;
      if (value !== before[column]) changes[column] = { from: before[column], to: value };
    }
    const passwordChanged =
      set.password !== undefined && !(set.password === null && before.password === null);
    if (Object.keys(changes).length === 0 && !passwordChanged) return toConnection(before);
    const after: EmailConnectionRow = { ...before, ...set, updated_at: at };
    await trx
      .updateTable("email_connections")
      .set({ ...set, updated_at: at })
      .where("id", "=", before.id)
      .execute();
    const connection = toConnection(after);
    await appendEvent(trx, scope, at, {
      type: "email_connection.updated",
      entityType: "email_connection",
      entityId: before.id,
      data: {
        ...eventData(connection),
        changes: passwordChanged ? { ...changes, password: { changed: true } } : changes,
      },
    });
    return connection;
  });
}

/** Soft delete: emails still queued on it fail when the worker picks them up. */
export async function deleteEmailConnection(
  core: Core,
  scope: Scope,
  ref: RecordId,
): Promise<EmailConnection> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await requireRow(trx, scope, ref);
    await trx
      .updateTable("email_connections")
      .set({ deleted_at: at, updated_at: at })
      .where("id", "=", row.id)
      .execute();
    await releaseLive(trx, scope.workspaceId, COUNTER);
    const connection = toConnection({ ...row, updated_at: at });
    await appendEvent(trx, scope, at, {
      type: "email_connection.deleted",
      entityType: "email_connection",
      entityId: row.id,
      data: eventData(connection),
    });
    return connection;
  });
}
