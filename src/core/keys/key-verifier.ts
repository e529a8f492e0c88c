/**
 * Turns a presented API key into the principal it stands for, on every request.
 *
 * Lookups are cached for a short time (positive and negative) so that the hot path does not
 * query the database per request. A status change made through this process's core forgets the
 * cached entry at once; one made by another process takes effect within CACHE_TTL_MS.
 * `last_used_at` is recorded in memory and written in batches by `flushLastUsed`.
 */
import { timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Clock } from "../clock.js";
import { digestKey } from "./key-format.js";
import { type KeyType, type Permission, permissionsOfType } from "./permissions.js";

export interface KeyPrincipal {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly type: KeyType;
  readonly prefix: string;
  readonly permissions: ReadonlySet<Permission>;
  /** Requests per 60 s; null means the default of the key's type. */
  readonly rateLimit: number | null;
  readonly origins: readonly string[] | null;
  /** The workspace's plan (growth | pro), which some dialects' default rate limits follow. */
  readonly plan: string;
}

export const CACHE_TTL_MS = 2_000;
const MAX_CACHE_ENTRIES = 10_000;
const MAX_KEY_LENGTH = 200;

interface CacheEntry {
  principal: KeyPrincipal | null;
  expiresAt: number;
}

export class KeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsed = new Map<string, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async verify(presented: string): Promise<KeyPrincipal | null> {
    if (presented.length === 0 || presented.length > MAX_KEY_LENGTH) return null;
    const digest = digestKey(presented);
    const now = Date.now();
    let entry = this.cache.get(digest);
    if (!entry || entry.expiresAt <= now) {
      entry = { principal: await this.load(digest), expiresAt: now + CACHE_TTL_MS };
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(digest, entry);
    }
    if (entry.principal) this.lastUsed.set(entry.principal.keyId, this.clock.now().toISOString());
    return entry.principal;
  }

  /** Drops every cached lookup (after a key's status, scopes or limit changed). */
  forgetAll(): void {
    this.cache.clear();
  }

  /** Writes the recorded `last_used_at` times; call it periodically and at shutdown. */
  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    await this.db.transaction().execute(async (trx) => {
      for (const [keyId, at] of batch) {
        await trx.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", keyId).execute();
      }
    });
  }

  private async load(digest: string): Promise<KeyPrincipal | null> {
    const row = await this.db
      .selectFrom("api_keys")
      .innerJoin("workspaces", "workspaces.id", "api_keys.workspace_id")
      .select([
        "api_keys.id",
        "api_keys.workspace_id",
        "api_keys.type",
        "api_keys.prefix",
        "api_keys.digest",
        "api_keys.scopes",
        "api_keys.rate_limit",
        "api_keys.origins",
        "api_keys.status",
        "workspaces.plan",
      ])
      .where("api_keys.digest", "=", digest)
      .executeTakeFirst();
    if (row?.status !== "active") return null;
    if (!timingSafeEqual(Buffer.from(row.digest, "hex"), Buffer.from(digest, "hex"))) return null;
    const permissions: readonly Permission[] = row.scopes
      ? JSON.parse(row.scopes)
      : permissionsOfType(row.type);
    return {
      keyId: row.id,
      workspaceId: row.workspace_id,
      type: row.type,
      prefix: row.prefix,
      permissions: new Set(permissions),
      rateLimit: row.rate_limit,
      origins: row.origins ? JSON.parse(row.origins) : null,
      plan: row.plan,
    };
  }
}
