/** Workspaces: the tenants. Every other row belongs to exactly one. */
import type { Core } from "../core.js";
import { duplicate, notFound } from "../errors.js";
import { appendEvent } from "../events.js";
import { newId } from "../ids.js";
import { createDefaultPipelineIn } from "../pipelines/default-pipeline.js";
import { requireOneOf, requireSlug, requireText, slugify } from "../shared/validate.js";

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

export const WORKSPACE_PLANS = ["growth", "pro"] as const;
export type WorkspacePlan = (typeof WORKSPACE_PLANS)[number];

/**
 * Sets the workspace's plan, which CRMLead Pro's default rate limits follow (growth 1,000, pro
 * 5,000 requests a minute). Keys already verified see it within the key cache's 2 s.
 */
export async function setWorkspacePlan(
  core: Core,
  slug: string,
  plan: unknown,
): Promise<Workspace & { plan: WorkspacePlan }> {
  const checked = requireOneOf("plan", plan, WORKSPACE_PLANS);
  const workspace = await getWorkspaceBySlug(core, slug);
  const at = core.clock.now().toISOString();
  await core.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("workspaces")
      .set({ plan: checked, updated_at: at })
      .where("id", "=", workspace.id)
      .execute();
    await appendEvent(trx, { workspaceId: workspace.id, actor: "cli" }, at, {
      type: "workspace.plan_changed",
      entityType: "workspace",
      entityId: workspace.id,
      data: { ...workspace, plan: checked },
    });
  });
  return { ...workspace, plan: checked };
}
