/**
 * The only writer of service-status components. Each write commits together with its event and
 * stamps the workspace's `status_updated_at` (chat_settings), which W4 reports as `updated_at`.
 */
import { isUniqueViolation } from "../../db/db-errors.js";
import type { ServiceComponentTable } from "../../db/schema.js";
import { ensureChatSettingsRow } from "../conversations/chat-settings.js";
import type { Core, Executor, Scope, Trx } from "../core.js";
import { allocateNumber } from "../counters.js";
import { conflict, duplicate, notFound, validationError } from "../errors.js";
import { appendEvent, type Changes } from "../events.js";
import { newId } from "../ids.js";
import { normaliseText, requireOneOf, requireText } from "../shared/validate.js";
import {
  COMPONENT_LIMITS,
  COMPONENT_STATUSES,
  type ComponentStatus,
  type ServiceComponent,
  type ServiceComponentInput,
  type ServiceComponentRef,
  type ServiceStatus,
} from "./service-status.types.js";

const COUNTER = "service_components";

type ComponentRow = Omit<ServiceComponentTable, "workspace_id" | "name_normalized">;

const toComponent = (row: ComponentRow): ServiceComponent => ({
  id: row.id,
  number: Number(row.seq),
  name: row.name,
  status: row.status,
  message: row.message,
  sortOrder: Number(row.sort_order),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const normalizeName = (name: string) => name.trim().toLowerCase();

const componentsOf = (db: Executor, workspaceId: string) =>
  db
    .selectFrom("service_components")
    .select(["id", "seq", "name", "status", "message", "sort_order", "created_at", "updated_at"])
    .where("workspace_id", "=", workspaceId);

async function findComponent(
  db: Executor,
  scope: Scope,
  ref: ServiceComponentRef,
): Promise<ServiceComponent | null> {
  const query = componentsOf(db, scope.workspaceId);
  const row = await ("number" in ref
    ? query.where("seq", "=", ref.number)
    : "id" in ref
      ? query.where("id", "=", ref.id)
      : query.where("name_normalized", "=", normalizeName(ref.name))
  ).executeTakeFirst();
  return row ? toComponent(row) : null;
}

async function requireComponent(db: Executor, scope: Scope, ref: ServiceComponentRef) {
  const component = await findComponent(db, scope, ref);
  if (!component) throw notFound("component");
  return component;
}

/** The workspace's components in display order. */
export async function readComponents(db: Executor, scope: Scope): Promise<ServiceComponent[]> {
  const rows = await componentsOf(db, scope.workspaceId).orderBy("sort_order").orderBy("seq").execute();
  return rows.map(toComponent);
}

/** The worst of the statuses (`operational` for none). */
export function overallStatus(statuses: readonly ComponentStatus[]): ComponentStatus {
  let worst = 0;
  for (const status of statuses) worst = Math.max(worst, COMPONENT_STATUSES.indexOf(status));
  return COMPONENT_STATUSES[worst]!;
}

export async function getServiceStatus(core: Core, scope: Scope): Promise<ServiceStatus> {
  const components = await readComponents(core.db, scope);
  const stamp = await core.db
    .selectFrom("workspaces")
    .leftJoin("chat_settings", "chat_settings.workspace_id", "workspaces.id")
    .select(["workspaces.created_at", "chat_settings.status_updated_at"])
    .where("workspaces.id", "=", scope.workspaceId)
    .executeTakeFirst();
  if (!stamp) throw notFound("workspace");
  return {
    status: overallStatus(components.map((component) => component.status)),
    components,
    updatedAt: stamp.status_updated_at ?? stamp.created_at,
  };
}

export const listComponents = (core: Core, scope: Scope) => readComponents(core.db, scope);

export const getComponent = (core: Core, scope: Scope, ref: ServiceComponentRef) =>
  requireComponent(core.db, scope, ref);

interface CheckedInput {
  name?: string;
  status?: ComponentStatus;
  message?: string | null;
  sortOrder?: number;
}

function checkInput(input: ServiceComponentInput): CheckedInput {
  const out: CheckedInput = {};
  if (input.name !== undefined) out.name = requireText("name", input.name, COMPONENT_LIMITS.name);
  if (input.status !== undefined) out.status = requireOneOf("status", input.status, COMPONENT_STATUSES);
  if (input.message !== undefined) {
    out.message = normaliseText("message", input.message, COMPONENT_LIMITS.message) ?? null;
  }
  if (input.sortOrder !== undefined) {
    const order = input.sortOrder;
    if (typeof order !== "number" || !Number.isInteger(order) || Math.abs(order) > 1_000_000) {
      throw validationError("sortOrder", "must be a whole number from -1000000 to 1000000");
    }
    out.sortOrder = order;
  }
  return out;
}

async function stampStatus(trx: Trx, scope: Scope, at: string): Promise<void> {
  await ensureChatSettingsRow(trx, scope.workspaceId, at);
  await trx
    .updateTable("chat_settings")
    .set({ status_updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .execute();
}

async function assertNameFree(trx: Trx, scope: Scope, name: string, exceptId = ""): Promise<void> {
  const taken = await trx
    .selectFrom("service_components")
    .select("id")
    .where("workspace_id", "=", scope.workspaceId)
    .where("name_normalized", "=", normalizeName(name))
    .where("id", "!=", exceptId)
    .executeTakeFirst();
  if (taken) throw duplicate("name", "a component with this name already exists");
}

const eventData = (component: ServiceComponent) => ({ ...component });

/** Runs a write, turning a lost race on the per-workspace name index into the same DUPLICATE error. */
async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate("name", "a component with this name already exists");
    throw error;
  }
}

async function createIn(trx: Trx, scope: Scope, at: string, input: CheckedInput): Promise<ServiceComponent> {
  if (input.name === undefined) throw validationError("name", "is required");
  await assertNameFree(trx, scope, input.name);
  const count = await trx
    .selectFrom("service_components")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("workspace_id", "=", scope.workspaceId)
    .executeTakeFirst();
  if (Number(count?.count ?? 0) >= COMPONENT_LIMITS.perWorkspace) {
    throw conflict(`a workspace has at most ${COMPONENT_LIMITS.perWorkspace} components`);
  }
  const id = newId();
  const seq = await allocateNumber(trx, scope.workspaceId, COUNTER);
  const row: ComponentRow = {
    id,
    seq,
    name: input.name,
    status: input.status ?? "operational",
    message: input.message ?? null,
    // New components go last unless told otherwise.
    sort_order: input.sortOrder ?? seq,
    created_at: at,
    updated_at: at,
  };
  await trx
    .insertInto("service_components")
    .values({ ...row, workspace_id: scope.workspaceId, name_normalized: normalizeName(input.name) })
    .execute();
  const component = toComponent(row);
  await stampStatus(trx, scope, at);
  await appendEvent(trx, scope, at, {
    type: "service_component.created",
    entityType: "service_component",
    entityId: id,
    data: eventData(component),
  });
  return component;
}

async function updateIn(
  trx: Trx,
  scope: Scope,
  at: string,
  before: ServiceComponent,
  input: CheckedInput,
): Promise<ServiceComponent> {
  const changes: Changes = {};
  const update: Partial<ServiceComponentTable> = {};
  if (input.name !== undefined && input.name !== before.name) {
    if (normalizeName(input.name) !== normalizeName(before.name))
      await assertNameFree(trx, scope, input.name, before.id);
    changes.name = { from: before.name, to: input.name };
    update.name = input.name;
    update.name_normalized = normalizeName(input.name);
  }
  if (input.status !== undefined && input.status !== before.status) {
    changes.status = { from: before.status, to: input.status };
    update.status = input.status;
  }
  if (input.message !== undefined && input.message !== before.message) {
    changes.message = { from: before.message, to: input.message };
    update.message = input.message;
  }
  if (input.sortOrder !== undefined && input.sortOrder !== before.sortOrder) {
    changes.sortOrder = { from: before.sortOrder, to: input.sortOrder };
    update.sort_order = input.sortOrder;
  }
  if (Object.keys(changes).length === 0) return before;
  await trx
    .updateTable("service_components")
    .set({ ...update, updated_at: at })
    .where("workspace_id", "=", scope.workspaceId)
    .where("id", "=", before.id)
    .execute();
  const after = (await findComponent(trx, scope, { id: before.id }))!;
  await stampStatus(trx, scope, at);
  await appendEvent(trx, scope, at, {
    type: "service_component.updated",
    entityType: "service_component",
    entityId: after.id,
    data: { ...eventData(after), changes },
  });
  return after;
}

export async function createComponent(
  core: Core,
  scope: Scope,
  input: ServiceComponentInput,
): Promise<ServiceComponent> {
  const checked = checkInput(input);
  const at = core.clock.now().toISOString();
  return guardUnique(() => core.db.transaction().execute((trx) => createIn(trx, scope, at, checked)));
}

export async function updateComponent(
  core: Core,
  scope: Scope,
  ref: ServiceComponentRef,
  input: ServiceComponentInput,
): Promise<ServiceComponent> {
  const checked = checkInput(input);
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db
      .transaction()
      .execute(async (trx) => updateIn(trx, scope, at, await requireComponent(trx, scope, ref), checked)),
  );
}

/**
 * Sets a component's status by name, creating the component when the workspace has none of that
 * name (`kith status set`). A message absent stays as it is; null clears it.
 */
export async function setComponentStatus(
  core: Core,
  scope: Scope,
  input: { name: unknown; status: unknown; message?: unknown },
): Promise<ServiceComponent> {
  const checked = checkInput(input);
  if (checked.status === undefined) throw validationError("status", "is required");
  const at = core.clock.now().toISOString();
  return guardUnique(() =>
    core.db.transaction().execute(async (trx) => {
      const existing = await findComponent(trx, scope, { name: checked.name ?? "" });
      return existing
        ? updateIn(trx, scope, at, existing, { ...checked, name: undefined })
        : createIn(trx, scope, at, checked);
    }),
  );
}

export async function deleteComponent(
  core: Core,
  scope: Scope,
  ref: ServiceComponentRef,
): Promise<ServiceComponent> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const component = await requireComponent(trx, scope, ref);
    await trx
      .deleteFrom("service_components")
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "=", component.id)
      .execute();
    await stampStatus(trx, scope, at);
    await appendEvent(trx, scope, at, {
      type: "service_component.deleted",
      entityType: "service_component",
      entityId: component.id,
      data: eventData(component),
    });
    return component;
  });
}
