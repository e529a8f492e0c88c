/** Resolves how a caller named a user (number, id or username) to the user's id in the workspace. */
import type { Executor, Scope } from "../core.js";
import { validationError } from "../errors.js";
import type { UserRef, UserSummary } from "../leads/lead.types.js";

export async function findUserId(db: Executor, scope: Scope, ref: UserRef): Promise<string | null> {
  let query = db.selectFrom("users").select("id").where("workspace_id", "=", scope.workspaceId);
  if ("number" in ref) query = query.where("seq", "=", ref.number);
  else if ("id" in ref) query = query.where("id", "=", ref.id);
  else query = query.where("username", "=", ref.username);
  const row = await query.executeTakeFirst();
  return row?.id ?? null;
}

/** Like findUserId, but an unknown user is a validation error on `field`. */
export async function requireUserId(
  db: Executor,
  scope: Scope,
  ref: UserRef,
  field: string,
): Promise<string> {
  const id = await findUserId(db, scope, ref);
  if (!id) throw validationError(field, "no such user in this workspace");
  return id;
}

/** The workspace's users among `ids`, as records show them, keyed by id. */
export async function findUserSummaries(
  db: Executor,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, UserSummary>> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "seq", "username"])
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "in", ids)
    .execute();
  return new Map(
    rows.map((row) => [row.id, { id: row.id, number: Number(row.seq), username: row.username }]),
  );
}
