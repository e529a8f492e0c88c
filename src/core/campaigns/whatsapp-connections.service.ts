/**
 * The only writer of WhatsApp connections (WhatsApp Business Cloud API senders). The access token
 * is stored sealed with the server secret (as SMTP passwords are) and is never returned. The base
 * URL is checked like webhook URLs: http(s) only, and a host on a loopback/private/link-local
 * address is refused unless allowPrivate (checked again when the worker dials).
 * Each write commits with its event (`whatsapp_connection.created`), whose data has no token.
 */
import type { Selectable } from "kysely";
import type { WhatsAppConnectionTable } from "../../db/schema.js";
import type { Core, Executor, Scope } from "../core.js";
import { allocateNumber, countLive } from "../counters.js";
import { conflict, isCoreError, notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { findLiveRow } from "../shared/live-row.js";
import { requireOneOf, requireText } from "../shared/validate.js";
import { sealSecret } from "../webhooks/signing.js";
import { checkWebhookUrl } from "../webhooks/webhook-url.js";
import {
  type RecordId,
  WHATSAPP_LIMITS,
  type WhatsAppConnection,
  type WhatsAppConnectionInput,
} from "./campaign.types.js";

export interface WhatsAppSettings {
  serverSecret: string;
  /** KITH_WEBHOOK_ALLOW_PRIVATE: accept loopback/private base URLs (tests, local gateways). */
  allowPrivate: boolean;
}

const COUNTER = "whatsapp_connections";

export type WhatsAppConnectionRow = Selectable<WhatsAppConnectionTable>;

export function toWhatsAppConnection(row: WhatsAppConnectionRow): WhatsAppConnection {
  return {
    id: row.id,
    number: Number(row.seq),
    name: row.name,
    baseUrl: row.base_url,
    phoneNumberId: row.phone_number_id,
    hasToken: true,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An absolute http(s) base URL without credentials, query or fragment; no trailing slash. */
export async function checkBaseUrl(value: unknown, allowPrivate: boolean): Promise<string> {
  const text = requireText("baseUrl", value, WHATSAPP_LIMITS.baseUrl);
  let url: URL;
  try {
    url = await checkWebhookUrl(text, allowPrivate);
  } catch (error) {
    if (isCoreError(error) && error.field === "url") throw validationError("baseUrl", error.detail);
    throw error;
  }
  if (url.search || url.hash) throw validationError("baseUrl", "must not have a query or a fragment");
  return url.toString().replace(/\/+$/, "");
}

/** The live connection `ref` names (a UUID or a number) in the workspace, or undefined. */
export function findWhatsAppConnectionRow(
  db: Executor,
  scope: Scope,
  ref: RecordId,
): Promise<WhatsAppConnectionRow | undefined> {
  return findLiveRow(db, "whatsapp_connections", scope, ref);
}

export async function listWhatsAppConnections(core: Core, scope: Scope): Promise<WhatsAppConnection[]> {
  const rows = await core.db
    .selectFrom("whatsapp_connections")
    .selectAll()
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null)
    .orderBy("seq")
    .execute();
  return rows.map(toWhatsAppConnection);
}

export async function getWhatsAppConnection(
  core: Core,
  scope: Scope,
  ref: RecordId,
): Promise<WhatsAppConnection> {
  const row = await findWhatsAppConnectionRow(core.db, scope, ref);
  if (!row) throw notFound("whatsapp connection");
  return toWhatsAppConnection(row);
}

export async function createWhatsAppConnection(
  core: Core,
  scope: Scope,
  settings: WhatsAppSettings,
  input: WhatsAppConnectionInput,
): Promise<WhatsAppConnection> {
  const name = requireText("name", input.name, WHATSAPP_LIMITS.name);
  const baseUrl = await checkBaseUrl(input.baseUrl, settings.allowPrivate);
  const phoneNumberId = requireText("phoneNumberId", input.phoneNumberId, WHATSAPP_LIMITS.phoneNumberId);
  if (!/^[A-Za-z0-9_-]+$/.test(phoneNumberId)) {
    throw validationError("phoneNumberId", "must be letters, digits, '-' or '_'");
  }
  const token = requireText("token", input.token, WHATSAPP_LIMITS.token);
  if (/[\s]/.test(token)) throw validationError("token", "must not contain spaces or line breaks");
  const status =
    input.status === undefined
      ? "active"
      : requireOneOf("status", input.status, ["active", "disabled"] as const);
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    if ((await countLive(trx, scope.workspaceId, COUNTER)) >= WHATSAPP_LIMITS.perWorkspace) {
      throw conflict(`a workspace may have at most ${WHATSAPP_LIMITS.perWorkspace} WhatsApp connections`);
    }
    const row: WhatsAppConnectionRow = {
      id: newId(),
      workspace_id: scope.workspaceId,
      seq: await allocateNumber(trx, scope.workspaceId, COUNTER),
      name,
      base_url: baseUrl,
      phone_number_id: phoneNumberId,
      token: sealSecret(settings.serverSecret, token),
      status,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    await trx.insertInto("whatsapp_connections").values(row).execute();
    const connection = toWhatsAppConnection(row);
    await appendEvent(trx, scope, at, {
      type: "whatsapp_connection.created",
      entityType: "whatsapp_connection",
      entityId: row.id,
      data: { ...connection },
    });
    return connection;
  });
}
