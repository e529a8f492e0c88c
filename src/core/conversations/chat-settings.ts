/**
 * Per-workspace chat settings: the widget's greeting and branding (W1), plus two markers other
 * chat modules keep on the same row (default intents seeded; service status last changed).
 * Settings left unset show their defaults; setting one to null restores its default.
 */
import type { Core, Executor, Scope, Trx } from "../core.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { normaliseText } from "../shared/validate.js";

export const WIDGET_DEFAULTS = { greeting: "Hi! How can we help?", primaryColor: "#1FB6FF" } as const;

export const WIDGET_SETTINGS_LIMITS = { greeting: 500, companyName: 200, logoUrl: 2000 } as const;

export interface WidgetSettings {
  greeting: string;
  /** The workspace's name unless set. */
  companyName: string;
  /** `#RRGGBB`. */
  primaryColor: string;
  logoUrl: string | null;
}

export interface WidgetSettingsInput {
  greeting?: unknown;
  companyName?: unknown;
  primaryColor?: unknown;
  logoUrl?: unknown;
}

/** Creates the workspace's settings row if it has none (inside the caller's transaction). */
export async function ensureChatSettingsRow(trx: Trx, workspaceId: string, at: string): Promise<void> {
  await trx
    .insertInto("chat_settings")
    .values({ workspace_id: workspaceId, updated_at: at })
    .onConflict((conflict) => conflict.column("workspace_id").doNothing())
    .execute();
}

async function readSettings(db: Executor, scope: Scope): Promise<WidgetSettings> {
  const row = await db
    .selectFrom("workspaces")
    .leftJoin("chat_settings", "chat_settings.workspace_id", "workspaces.id")
    .select([
      "workspaces.name",
      "chat_settings.greeting",
      "chat_settings.company_name",
      "chat_settings.primary_color",
      "chat_settings.logo_url",
    ])
    .where("workspaces.id", "=", scope.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound("workspace");
  return {
    greeting: row.greeting ?? WIDGET_DEFAULTS.greeting,
    companyName: row.company_name ?? row.name,
    primaryColor: row.primary_color ?? WIDGET_DEFAULTS.primaryColor,
    logoUrl: row.logo_url ?? null,
  };
}

export function getWidgetSettings(core: Core, scope: Scope): Promise<WidgetSettings> {
  return readSettings(core.db, scope);
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** An absolute http(s) URL of at most `max` characters, or null/undefined as given. */
export function normaliseUrl(field: string, value: unknown, max: number): string | null | undefined {
  const text = normaliseText(field, value, max);
  if (!text) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw validationError(field, "must be an absolute http(s) URL such as https://example.com/page");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw validationError(field, "must be an absolute http(s) URL such as https://example.com/page");
  }
  return text;
}

/** Partial update: absent fields stay, null restores the default. Appends `widget_settings.updated`. */
export async function updateWidgetSettings(
  core: Core,
  scope: Scope,
  input: WidgetSettingsInput,
): Promise<WidgetSettings> {
  const update: Record<string, string | null> = {};
  const greeting = normaliseText("greeting", input.greeting, WIDGET_SETTINGS_LIMITS.greeting);
  if (greeting !== undefined) update.greeting = greeting;
  const companyName = normaliseText("companyName", input.companyName, WIDGET_SETTINGS_LIMITS.companyName);
  if (companyName !== undefined) update.company_name = companyName;
  const color = normaliseText("primaryColor", input.primaryColor, 7);
  if (color !== undefined) {
    if (color !== null && !COLOR.test(color)) {
      throw validationError("primaryColor", "must be a colour such as #1FB6FF");
    }
    update.primary_color = color?.toUpperCase() ?? null;
  }
  const logoUrl = normaliseUrl("logoUrl", input.logoUrl, WIDGET_SETTINGS_LIMITS.logoUrl);
  if (logoUrl !== undefined) update.logo_url = logoUrl;
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    await ensureChatSettingsRow(trx, scope.workspaceId, at);
    if (Object.keys(update).length === 0) return readSettings(trx, scope);
    await trx
      .updateTable("chat_settings")
      .set({ ...update, updated_at: at })
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    const settings = await readSettings(trx, scope);
    await appendEvent(trx, scope, at, {
      type: "widget_settings.updated",
      entityType: "workspace",
      entityId: scope.workspaceId,
      data: { ...settings },
    });
    return settings;
  });
}
