/**
 * The only writer of marketing lists and their members. Each write commits together with its
 * event. Members are live companies and contacts of the list's workspace; a member whose record is
 * deleted disappears from the list's reads.
 */
import type { ExpressionBuilder } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Core, Executor, Scope } from "../core.js";
import { allocateNumber, countLive, releaseLive, touchCounter } from "../counters.js";
import { notFound, validationError } from "../errors.js";
import { appendEvent } from "../events.js";
import { isUuid, newId } from "../ids.js";
import { normaliseText, requireText } from "../shared/validate.js";
import {
  type AddMembersInput,
  type AddMembersResult,
  type ListMember,
  MARKETING_LIST_LIMITS,
  type MarketingList,
  type MarketingListInput,
  type MarketingListRef,
  type MemberFieldNames,
  type MemberId,
  type MemberType,
  type Page,
} from "./marketing-list.types.js";

const COUNTER = "marketing_lists";
const MEMBER_TABLES = { company: "companies", contact: "contacts" } as const;
const CORE_FIELDS: MemberFieldNames = { companies: "companyIds", contacts: "contactIds" };

function liveLists(db: Executor, workspaceId: string) {
  return db
    .selectFrom("marketing_lists")
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null);
}

/** Members whose company or contact is still live: deleted records drop out of every read. */
function liveMember(eb: ExpressionBuilder<Database, "marketing_list_members">) {
  const liveIds = (type: MemberType) =>
    eb
      .selectFrom(MEMBER_TABLES[type])
      .select("id")
      .whereRef("workspace_id", "=", "marketing_list_members.workspace_id")
      .where("deleted_at", "is", null);
  return eb.or([
    eb.and([eb("member_type", "=", "company"), eb("member_id", "in", liveIds("company"))]),
    eb.and([eb("member_type", "=", "contact"), eb("member_id", "in", liveIds("contact"))]),
  ]);
}

async function memberCounts(db: Executor, scope: Scope, listIds: string[]): Promise<Map<string, number>> {
  if (listIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("marketing_list_members")
    .select(["list_id", (eb) => eb.fn.countAll<number>().as("count")])
    .where("workspace_id", "=", scope.workspaceId)
    .where("list_id", "in", listIds)
    .where(liveMember)
    .groupBy("list_id")
    .execute();
  return new Map(rows.map((row) => [row.list_id, Number(row.count)]));
}

type ListRow = {
  id: string;
  seq: number;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
};

async function toLists(db: Executor, scope: Scope, rows: ListRow[]): Promise<MarketingList[]> {
  const counts = await memberCounts(
    db,
    scope,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    number: Number(row.seq),
    name: row.name,
    description: row.description,
    memberCount: counts.get(row.id) ?? 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

const LIST_COLUMNS = ["id", "seq", "name", "description", "created_at", "updated_at"] as const;

async function findListRow(db: Executor, scope: Scope, ref: MarketingListRef): Promise<ListRow> {
  let query = liveLists(db, scope.workspaceId).select(LIST_COLUMNS);
  query = "number" in ref ? query.where("seq", "=", ref.number) : query.where("id", "=", ref.id);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("marketing list");
  return row;
}

const name = (value: unknown) => requireText("name", value, MARKETING_LIST_LIMITS.name);
const description = (value: unknown) =>
  normaliseText("description", value, MARKETING_LIST_LIMITS.description);

export async function createMarketingList(
  core: Core,
  scope: Scope,
  input: MarketingListInput,
): Promise<MarketingList> {
  const listName = name(input.name);
  const listDescription = description(input.description) ?? null;
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const id = newId();
    const seq = await allocateNumber(trx, scope.workspaceId, COUNTER);
    await trx
      .insertInto("marketing_lists")
      .values({
        id,
        workspace_id: scope.workspaceId,
        seq,
        name: listName,
        description: listDescription,
        created_at: at,
        updated_at: at,
        deleted_at: null,
      })
      .execute();
    const list: MarketingList = {
      id,
      number: seq,
      name: listName,
      description: listDescription,
      memberCount: 0,
      createdAt: at,
      updatedAt: at,
    };
    await appendEvent(trx, scope, at, {
      type: "marketing_list.created",
      entityType: "marketing_list",
      entityId: id,
      data: { ...list },
    });
    return list;
  });
}

/** The workspace's lists, newest first. */
export async function listMarketingLists(
  core: Core,
  scope: Scope,
  page: { page: number; perPage: number },
): Promise<Page<MarketingList>> {
  const total = await countLive(core.db, scope.workspaceId, COUNTER);
  const offset = (page.page - 1) * page.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await liveLists(core.db, scope.workspaceId)
    .select(LIST_COLUMNS)
    .orderBy("created_at", "desc")
    .orderBy("seq", "desc")
    .limit(page.perPage)
    .offset(offset)
    .execute();
  return { items: await toLists(core.db, scope, rows), total };
}

export async function getMarketingList(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
): Promise<MarketingList> {
  return (await toLists(core.db, scope, [await findListRow(core.db, scope, ref)]))[0]!;
}

/** Absent fields stay as they are; a blank description clears it. */
export async function updateMarketingList(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
  input: MarketingListInput,
): Promise<MarketingList> {
  const changes: { name?: string; description?: string | null } = {};
  if (input.name !== undefined) changes.name = name(input.name);
  const newDescription = description(input.description);
  if (newDescription !== undefined) changes.description = newDescription;
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await findListRow(trx, scope, ref);
    await trx
      .updateTable("marketing_lists")
      .set({ ...changes, updated_at: at })
      .where("id", "=", row.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await touchCounter(trx, scope.workspaceId, COUNTER);
    const [list] = await toLists(trx, scope, [{ ...row, ...changes, updated_at: at }]);
    await appendEvent(trx, scope, at, {
      type: "marketing_list.updated",
      entityType: "marketing_list",
      entityId: row.id,
      data: { ...list },
    });
    return list!;
  });
}

/** Soft-deletes the list; its members go with it. */
export async function deleteMarketingList(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
): Promise<MarketingList> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const row = await findListRow(trx, scope, ref);
    const [list] = await toLists(trx, scope, [row]);
    await trx
      .updateTable("marketing_lists")
      .set({ deleted_at: at, updated_at: at })
      .where("id", "=", row.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    await trx.deleteFrom("marketing_list_members").where("list_id", "=", row.id).execute();
    await releaseLive(trx, scope.workspaceId, COUNTER);
    await appendEvent(trx, scope, at, {
      type: "marketing_list.deleted",
      entityType: "marketing_list",
      entityId: row.id,
      data: { ...list! },
    });
    return list!;
  });
}

/**
 * Resolves every given id to a live record of the workspace, in order; the first id that is
 * malformed or unknown is a VALIDATION error naming it (`companyIds[2]`).
 */
async function resolveMembers(
  db: Executor,
  scope: Scope,
  type: MemberType,
  field: string,
  ids: readonly MemberId[] | undefined,
): Promise<string[]> {
  if (ids === undefined) return [];
  if (!Array.isArray(ids)) throw validationError(field, "must be an array of ids");
  ids.forEach((id, index) => {
    const valid =
      typeof id === "string"
        ? isUuid(id.toLowerCase())
        : Number.isInteger(id) && id >= 1 && id <= 2_147_483_647;
    if (!valid) throw validationError(`${field}[${index}]`, "must be a record id");
  });
  const uuids = ids.filter((id): id is string => typeof id === "string").map((id) => id.toLowerCase());
  const numbers = ids.filter((id): id is number => typeof id === "number");
  const found = new Map<MemberId, string>();
  const table = MEMBER_TABLES[type];
  // One query per id style; chunks keep the bound parameters well under the engines' limits.
  for (const [column, values] of [
    ["id", uuids],
    ["seq", numbers],
  ] as const) {
    for (let start = 0; start < values.length; start += 500) {
      const rows = await db
        .selectFrom(table)
        .select(["id", "seq"])
        .where("workspace_id", "=", scope.workspaceId)
        .where("deleted_at", "is", null)
        .where(column, "in", values.slice(start, start + 500) as never[])
        .execute();
      for (const row of rows) found.set(column === "id" ? row.id : Number(row.seq), row.id);
    }
  }
  return ids.map((id, index) => {
    const resolved = found.get(typeof id === "string" ? id.toLowerCase() : id);
    if (!resolved) throw validationError(`${field}[${index}]`, `no ${type} with id ${id} in this workspace`);
    return resolved;
  });
}

/**
 * Adds companies and contacts to a list. Idempotent: a record already on the list stays once and
 * is counted in `alreadyMembers`. Every id is checked before anything is written, so a bad id
 * leaves the list as it was. No ids at all adds nothing (Axiomatic's document requires only
 * `listId`), once the list is known to exist.
 */
export async function addListMembers(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
  input: AddMembersInput,
  fields: MemberFieldNames = CORE_FIELDS,
): Promise<AddMembersResult> {
  const given = (input.companyIds?.length ?? 0) + (input.contactIds?.length ?? 0);
  if (given > MARKETING_LIST_LIMITS.membersPerCall) {
    throw validationError(fields.companies, `at most ${MARKETING_LIST_LIMITS.membersPerCall} ids per call`);
  }
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const list = await findListRow(trx, scope, ref);
    const members = [
      ...new Set(
        (await resolveMembers(trx, scope, "company", fields.companies, input.companyIds)).map(
          (id) => `company:${id}`,
        ),
      ),
      ...new Set(
        (await resolveMembers(trx, scope, "contact", fields.contacts, input.contactIds)).map(
          (id) => `contact:${id}`,
        ),
      ),
    ].map((key) => {
      const [memberType, memberId] = key.split(":") as [MemberType, string];
      return { memberType, memberId };
    });
    const added: { memberType: MemberType; memberId: string }[] = [];
    for (let start = 0; start < members.length; start += 200) {
      const rows = await trx
        .insertInto("marketing_list_members")
        .values(
          members.slice(start, start + 200).map((member) => ({
            workspace_id: scope.workspaceId,
            list_id: list.id,
            member_type: member.memberType,
            member_id: member.memberId,
            added_at: at,
          })),
        )
        .onConflict((conflict) => conflict.columns(["list_id", "member_type", "member_id"]).doNothing())
        .returning(["member_type", "member_id"])
        .execute();
      for (const row of rows) added.push({ memberType: row.member_type, memberId: row.member_id });
    }
    if (added.length > 0) {
      await trx.updateTable("marketing_lists").set({ updated_at: at }).where("id", "=", list.id).execute();
      await appendEvent(trx, scope, at, {
        type: "marketing_list.members_added",
        entityType: "marketing_list",
        entityId: list.id,
        data: { listId: list.id, listNumber: Number(list.seq), members: added },
      });
    }
    return { added: added.length, alreadyMembers: members.length - added.length };
  });
}

/** The list's live members, oldest first. */
export async function listListMembers(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
  page: { page: number; perPage: number },
): Promise<Page<ListMember>> {
  const list = await findListRow(core.db, scope, ref);
  const members = core.db
    .selectFrom("marketing_list_members")
    .where("workspace_id", "=", scope.workspaceId)
    .where("list_id", "=", list.id)
    .where(liveMember);
  const total = Number(
    (await members.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ?? 0,
  );
  const offset = (page.page - 1) * page.perPage;
  if (total <= offset) return { items: [], total };
  const rows = await members
    .select(["member_type", "member_id", "added_at"])
    .orderBy("added_at")
    .orderBy("member_type")
    .orderBy("member_id")
    .limit(page.perPage)
    .offset(offset)
    .execute();
  const details = new Map<string, { number: number; name: string | null }>();
  const companyIds = rows.filter((row) => row.member_type === "company").map((row) => row.member_id);
  const contactIds = rows.filter((row) => row.member_type === "contact").map((row) => row.member_id);
  if (companyIds.length > 0) {
    const companies = await core.db
      .selectFrom("companies")
      .select(["id", "seq", "name"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "in", companyIds)
      .execute();
    for (const row of companies)
      details.set(`company:${row.id}`, { number: Number(row.seq), name: row.name });
  }
  if (contactIds.length > 0) {
    const contacts = await core.db
      .selectFrom("contacts")
      .select(["id", "seq", "first_name", "last_name"])
      .where("workspace_id", "=", scope.workspaceId)
      .where("id", "in", contactIds)
      .execute();
    for (const row of contacts) {
      const full = [row.first_name, row.last_name].filter(Boolean).join(" ");
      details.set(`contact:${row.id}`, { number: Number(row.seq), name: full || null });
    }
  }
  return {
    items: rows.map((row) => {
      const detail = details.get(`${row.member_type}:${row.member_id}`);
      return {
        memberType: row.member_type,
        id: row.member_id,
        number: detail?.number ?? 0,
        name: detail?.name ?? null,
        addedAt: row.added_at,
      };
    }),
    total,
  };
}

/** Takes one company or contact off the list; NOT_FOUND when it is not on it. */
export async function removeListMember(
  core: Core,
  scope: Scope,
  ref: MarketingListRef,
  memberType: MemberType,
  member: MemberId,
): Promise<void> {
  const at = core.clock.now().toISOString();
  await core.db.transaction().execute(async (trx) => {
    const list = await findListRow(trx, scope, ref);
    const [memberId] = await resolveMembers(trx, scope, memberType, "member_id", [member]).catch(() => {
      throw notFound(`${memberType} on this list`);
    });
    const removed = await trx
      .deleteFrom("marketing_list_members")
      .where("list_id", "=", list.id)
      .where("member_type", "=", memberType)
      .where("member_id", "=", memberId!)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound(`${memberType} on this list`);
    await trx.updateTable("marketing_lists").set({ updated_at: at }).where("id", "=", list.id).execute();
    await appendEvent(trx, scope, at, {
      type: "marketing_list.member_removed",
      entityType: "marketing_list",
      entityId: list.id,
      data: { listId: list.id, listNumber: Number(list.seq), memberType, memberId },
    });
  });
}
