/** API keys: creation (the key is shown once), listing, and status changes. */
import type { Core, Scope } from "../core.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { optionalText, requireOneOf } from "../shared/validate.js";
import { generateKey, KEY_FORMATS, type KeyFormat } from "./key-format.js";
import { expandScopes, isPublicKeyType, KEY_TYPES, type KeyType, permissionsOfType } from "./permissions.js";

export const KEY_STATUSES = ["active", "suspended", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface NewKeyInput {
  type: unknown;
  format?: unknown;
  scopes?: unknown;
  rateLimit?: unknown;
  name?: unknown;
  origins?: unknown;
}

export interface CreatedKey {
  id: string;
  /** The whole key: returned by this call only, never stored. */
  key: string;
  prefix: string;
  type: KeyType;
  format: KeyFormat;
  scopes: string[];
  rate_limit: number | null;
}

export interface KeySummary {
  id: string;
  prefix: string;
  type: KeyType;
  format: KeyFormat;
  name: string | null;
  scopes: string[];
  rate_limit: number | null;
  status: KeyStatus;
  last_used_at: string | null;
}

const MAX_RATE_LIMIT = 1_000_000_000;

function parseOrigins(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw validationError("origins", "must be a list of URLs");
  return value.map((origin, index) => {
    try {
      const url = new URL(String(origin));
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
      return url.origin;
    } catch {
      throw validationError(`origins[${index}]`, "must be an http(s) origin such as https://example.com");
    }
  });
}

export async function createKey(core: Core, scope: Scope, input: NewKeyInput): Promise<CreatedKey> {
  const type = requireOneOf("type", input.type, KEY_TYPES);
  const format = input.format === undefined ? "valethon" : requireOneOf("format", input.format, KEY_FORMATS);
  let scopes: string[] | null = null;
  if (input.scopes !== undefined && input.scopes !== null) {
    if (!Array.isArray(input.scopes) || input.scopes.length === 0) {
      throw validationError("scopes", "must be a non-empty list of permissions");
    }
    const expanded = expandScopes(type, input.scopes.map(String));
    if ("invalid" in expanded) {
      throw validationError("scopes", `"${expanded.invalid}" is not a permission of a ${type} key`);
    }
    scopes = expanded.permissions;
  }
  let rateLimit: number | null = null;
  if (input.rateLimit !== undefined && input.rateLimit !== null) {
    const value = Number(input.rateLimit);
    if (!Number.isInteger(value) || value < 1 || value > MAX_RATE_LIMIT) {
      throw validationError("rate_limit", `must be a whole number from 1 to ${MAX_RATE_LIMIT}`);
    }
    rateLimit = value;
  }
  const name = optionalText("name", input.name, 200);
  const origins = parseOrigins(input.origins);
  if (origins && !isPublicKeyType(type)) throw validationError("origins", "only public keys take origins");
  const generated = generateKey(type, format);
  const at = core.clock.now().toISOString();
  const id = newId();
  await core.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("api_keys")
      .values({
        id,
        workspace_id: scope.workspaceId,
        name,
        type,
        format,
        prefix: generated.prefix,
        digest: generated.digest,
        scopes: scopes ? JSON.stringify(scopes) : null,
        rate_limit: rateLimit,
        origins: origins ? JSON.stringify(origins) : null,
        status: "active",
        created_at: at,
        updated_at: at,
        last_used_at: null,
      })
      .execute();
    await appendEvent(trx, scope, at, {
      type: "api_key.created",
      entityType: "api_key",
      entityId: id,
      data: { id, prefix: generated.prefix, type, format, scopes, rate_limit: rateLimit },
    });
  });
  return {
    id,
    key: generated.key,
    prefix: generated.prefix,
    type,
    format,
    scopes: scopes ?? [...permissionsOfType(type)],
    rate_limit: rateLimit,
  };
}

export async function listKeys(core: Core, scope: Scope): Promise<KeySummary[]> {
  const rows = await core.db
    .selectFrom("api_keys")
    .select(["id", "prefix", "type", "format", "name", "scopes", "rate_limit", "status", "last_used_at"])
    .where("workspace_id", "=", scope.workspaceId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    ...row,
    format: row.format as KeyFormat,
    scopes: row.scopes ? JSON.parse(row.scopes) : [...permissionsOfType(row.type)],
  }));
}

/**
 * Changes a key's status. Keys are addressed by id across workspaces here because the operator's
 * CLI names them by id alone; the event is recorded in the key's own workspace.
 */
export async function setKeyStatus(
  core: Core,
  keyId: unknown,
  status: KeyStatus,
): Promise<{ id: string; status: KeyStatus }> {
  if (typeof keyId !== "string" || keyId.length === 0) throw validationError("id", "must be a key id");
  const at = core.clock.now().toISOString();
  const result = await core.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("api_keys")
      .select(["id", "workspace_id", "status"])
      .where("id", "=", keyId)
      .executeTakeFirst();
    if (!row) throw notFound(`key "${keyId}"`);
    if (row.status === "revoked" && status !== "revoked") {
      throw validationError("status", "a revoked key cannot be used again; create a new key");
    }
    await trx.updateTable("api_keys").set({ status, updated_at: at }).where("id", "=", keyId).execute();
    await appendEvent(trx, { workspaceId: row.workspace_id, actor: "system" }, at, {
      type: "api_key.status_changed",
      entityType: "api_key",
      entityId: keyId,
      data: { id: keyId, status, changes: { status: { from: row.status, to: status } } },
    });
    return { id: keyId, status };
  });
  core.keys.forgetAll();
  return result;
}
