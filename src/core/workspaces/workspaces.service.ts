/** Workspaces: the tenants. Every other row belongs to exactly one. */
import type { Core } from "../core.js";
import { duplicate, notFound } from "../errors.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { createDefaultPipelineIn } from "../pipelines/default-pipeline.js";
import { requireSlug, requireText, slugify } from "../shared/validate.js";

export interface Workspace {
  id: string;
  slug: string;
  name: string;
}

export async function createWorkspace(
  core: Core,
  input: { name: unknown; slug?: unknown },
): Promise<Workspace> {
  const name = requireText("name", input.name, 200);
  const slug =
    input.slug === undefined || input.slug === null ? slugify(name) : requireSlug("slug", input.slug);
  const at = core.clock.now().toISOString();
  const workspace = { id: newId(), slug, name };
  return core.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom("workspaces").select("id").where("slug", "=", slug).executeTakeFirst();
    if (taken) throw duplicate("slug", `a workspace with slug "${slug}" already exists`);
    await trx
      .insertInto("workspaces")
      .values({ ...workspace, created_at: at, updated_at: at })
      .execute();
    await appendEvent(trx, { workspaceId: workspace.id, actor: "system" }, at, {
      type: "workspace.created",
      entityType: "workspace",
      entityId: workspace.id,
      data: workspace,
    });
    await createDefaultPipelineIn(trx, { workspaceId: workspace.id, actor: "system" }, at);
    return workspace;
  });
}

export async function listWorkspaces(core: Core): Promise<Workspace[]> {
  return core.db
    .selectFrom("workspaces")
    .select(["id", "slug", "name"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function countWorkspaces(core: Core): Promise<number> {
  const row = await core.db
    .selectFrom("workspaces")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function getWorkspaceBySlug(core: Core, slug: string): Promise<Workspace> {
  const row = await core.db
    .selectFrom("workspaces")
    .select(["id", "slug", "name"])
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (!row) throw notFound(`workspace "${slug}"`);
  return row;
}
