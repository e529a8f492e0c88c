/**
 * A live (not deleted) row of a workspace's numbered records, named the way the APIs name them:
 * its per-workspace number, or its UUID.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Executor, Scope } from "../core.js";
import { isUuid } from "../ids.js";

/** A record as the APIs name it: its per-workspace number or its UUID. */
export type RecordRef = string | number;

export type NumberedTable = "email_connections" | "whatsapp_connections";

/** The live row `ref` names in the workspace, or undefined (also for a ref that is neither). */
export async function findLiveRow<T extends NumberedTable>(
  db: Executor,
  table: T,
  scope: Scope,
  ref: RecordRef,
): Promise<Selectable<Database[T]> | undefined> {
  // Typed as email_connections: the columns used here have the same names and types in each table.
  let query = (db as unknown as Kysely<Pick<Database, "email_connections">>)
    .selectFrom(table as "email_connections")
    .selectAll()
    .where("workspace_id", "=", scope.workspaceId)
    .where("deleted_at", "is", null);
  if (typeof ref === "number") query = query.where("seq", "=", ref);
  else if (isUuid(ref)) query = query.where("id", "=", ref);
  else return undefined;
  return (await query.executeTakeFirst()) as Selectable<Database[T]> | undefined;
}
