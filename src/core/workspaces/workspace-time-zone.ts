/**
 * A workspace's time zone: the IANA zone its wall-clock times are given and shown in (Epixel's
 * appointment times). `UTC` until set.
 */
import type { Core, Executor } from "../core.js";
import { validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { isTimeZone } from "../shared/time-zone.js";
import { getWorkspaceBySlug, type Workspace } from "./workspaces.service.js";

export async function workspaceTimeZone(db: Executor, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom("workspaces")
    .select("time_zone")
    .where("id", "=", workspaceId)
    .executeTakeFirst();
  return row?.time_zone ?? "UTC";
}

/** Sets the workspace's time zone (checked against Intl's zone names, stored as Intl spells it). */
export async function setWorkspaceTimeZone(
  core: Core,
  slug: string,
  zone: unknown,
): Promise<Workspace & { timeZone: string }> {
  if (!isTimeZone(zone)) {
    throw validationError(
      "timeZone",
      `must be an IANA time zone such as Europe/Berlin, got "${String(zone)}"`,
    );
  }
  const timeZone = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  const workspace = await getWorkspaceBySlug(core, slug);
  const at = core.clock.now().toISOString();
  await core.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("workspaces")
      .set({ time_zone: timeZone, updated_at: at })
      .where("id", "=", workspace.id)
      .execute();
    await appendEvent(trx, { workspaceId: workspace.id, actor: "cli" }, at, {
      type: "workspace.time_zone_changed",
      entityType: "workspace",
      entityId: workspace.id,
      data: { ...workspace, timeZone },
    });
  });
  return { ...workspace, timeZone };
}
