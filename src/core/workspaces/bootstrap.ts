/**
 * First start: when the database has no workspace, create `default` with a secret key and a
 * public test key, and hand the keys back once so the operator can see them.
 */
import type { Core } from "../core.js";
import { isCoreError } from "../errors.js";
import { createKey } from "../keys/keys.service.js";
import { countWorkspaces, createWorkspace, type Workspace } from "./workspaces.service.js";

export interface Bootstrapped {
  workspace: Workspace;
  secretKey: string;
  publicKey: string;
}

export async function bootstrapDefaultWorkspace(core: Core): Promise<Bootstrapped | null> {
  if ((await countWorkspaces(core)) > 0) return null;
  let workspace: Workspace;
  try {
    workspace = await createWorkspace(core, { name: "Default", slug: "default" });
  } catch (error) {
    // Another process bootstrapped at the same moment; its keys are the ones printed.
    if (isCoreError(error) && error.code === "DUPLICATE") return null;
    throw error;
  }
  const scope = { workspaceId: workspace.id, actor: "system" };
  const secret = await createKey(core, scope, { type: "secret", name: "bootstrap secret key" });
  const publicKey = await createKey(core, scope, { type: "public_test", name: "bootstrap widget key" });
  return { workspace, secretKey: secret.key, publicKey: publicKey.key };
}
