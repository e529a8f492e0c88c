/**
 * The lead reads and writes Epixel needs (seeds/004) on top of the leads service: lists of a
 * user's owned or assigned leads, the overview's counts, and create/update carrying Epixel's own
 * fields (owner, status word, location, message). Writes go through createLeadIn/updateLeadIn, so
 * every change commits with its event like any other lead write.
 */
import { sql } from "kysely";
import type { Core, Executor, Scope } from "../core.js";
import { appendEvent, type Changes } from "../events.js";
import { findUserSummaries } from "../users/user-refs.js";
import type { Lead, LeadInput, UserSummary } from "./lead.types.js";
import type { StatusWords } from "./lead-status-words.js";
import { createLead, updateLeadIn } from "./leads.service.js";

/** Lead sources Epixel accepts (the values Kith's own channels and demo data use). */
export const EPIXEL_SOURCES = [
  "website_form",
  "referral",
  "ads",
  "event",
  "partner",
  "chat_widget",
  "social_media",
  "email",
  "phone",
  "other",
] as const;

export interface EpixelLeadRow {
  id: string;
  number: number;
  slug: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  statusWord: string | null;
  source: string | null;
  location: string | null;
  message: string | null;
  owner: UserSummary | null;
  assignee: UserSummary | null;
  createdAt: string;
}

export interface EpixelViewer {
  id: string;
  role: "admin" | "agent";
}

export interface EpixelLeadQuery {
  viewer: EpixelViewer;
  listType: "owned" | "assigned";
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** A status word, with the core status it maps onto and whether it is that status's default word. */
  status?: { word: string; coreStatus: string; isDefault: boolean };
  /** An owner's user id; null when the named owner does not exist (matches nothing). */
  ownerUserId?: string | null;
  offset: number;
  limit: number;
}

function epixelLeads(db: Executor, workspaceId: string) {
  return db
    .selectFrom("leads")
    .where("leads.workspace_id", "=", workspaceId)
    .where("leads.deleted_at", "is", null);
}

type LeadQuery = ReturnType<typeof epixelLeads>;

/** Leads the viewer owns: its own, plus the ownerless ones when it is an admin (docs/epixel.md). */
function owned(query: LeadQuery, viewer: EpixelViewer): LeadQuery {
  return viewer.role === "admin"
    ? query.where((eb) =>
        eb.or([eb("leads.owner_user_id", "=", viewer.id), eb("leads.owner_user_id", "is", null)]),
      )
    : query.where("leads.owner_user_id", "=", viewer.id);
}

const lower = (column: string) => sql<string>`lower(${sql.ref(column)})`;

function filtered(db: Executor, scope: Scope, q: EpixelLeadQuery): LeadQuery {
  let query = epixelLeads(db, scope.workspaceId);
  query =
    q.listType === "assigned"
      ? query.where("leads.assigned_user_id", "=", q.viewer.id)
      : owned(query, q.viewer);
  if (q.firstName !== undefined)
    query = query.where(lower("leads.first_name"), "=", q.firstName.toLowerCase());
  if (q.lastName !== undefined) query = query.where(lower("leads.last_name"), "=", q.lastName.toLowerCase());
  if (q.email !== undefined) query = query.where("leads.email_normalized", "=", q.email.toLowerCase());
  if (q.phone !== undefined) query = query.where("leads.phone", "=", q.phone);
  if (q.status) {
    const status = q.status;
    query = query.where((eb) =>
      status.isDefault
        ? eb.or([
            eb("leads.status_word", "=", status.word),
            eb.and([eb("leads.status_word", "is", null), eb("leads.status", "=", status.coreStatus)]),
          ])
        : eb("leads.status_word", "=", status.word),
    );
  }
  if (q.ownerUserId !== undefined) {
    query =
      q.ownerUserId === null
        ? query.where(sql<boolean>`1 = 0`)
        : query.where("leads.owner_user_id", "=", q.ownerUserId);
  }
  return query;
}

const ROW_COLUMNS = [
  "leads.id",
  "leads.seq",
  "leads.slug",
  "leads.first_name",
  "leads.last_name",
  "leads.email",
  "leads.phone",
  "leads.status",
  "leads.status_word",
  "leads.source",
  "leads.location",
  "leads.message",
  "leads.owner_user_id",
  "leads.assigned_user_id",
  "leads.created_at",
] as const;

export async function listEpixelLeads(
  core: Core,
  scope: Scope,
  q: EpixelLeadQuery,
): Promise<{ count: number; items: EpixelLeadRow[] }> {
  const count = Number(
    (
      await filtered(core.db, scope, q)
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .executeTakeFirst()
    )?.count ?? 0,
  );
  if (count <= q.offset) return { count, items: [] };
  const rows = await filtered(core.db, scope, q)
    .select(ROW_COLUMNS)
    .orderBy("leads.created_at", "desc")
    .orderBy("leads.seq", "desc")
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const userIds = [
    ...new Set(rows.flatMap((row) => [row.owner_user_id, row.assigned_user_id]).filter((id) => id !== null)),
  ] as string[];
  const users =
    userIds.length === 0 ? new Map<string, UserSummary>() : await findUserSummaries(core.db, scope, userIds);
  const user = (id: string | null) => (id === null ? null : (users.get(id) ?? null));
  return {
    count,
    items: rows.map((row) => ({
      id: row.id,
      number: Number(row.seq),
      slug: row.slug ?? `lead-${row.seq}`,
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      phone: row.phone,
      status: row.status,
      statusWord: row.status_word,
      source: row.source,
      location: row.location,
      message: row.message,
      owner: user(row.owner_user_id),
      assignee: user(row.assigned_user_id),
      createdAt: row.created_at,
    })),
  };
}

/** The overview's figures over the viewer's leads: owned (as in lists) or assigned to it. */
export async function epixelLeadCounts(
  core: Core,
  scope: Scope,
  viewer: EpixelViewer,
  words: StatusWords,
): Promise<{
  total: number;
  byWord: Map<string, number>;
  bySource: { source: string | null; count: number }[];
}> {
  const mine = () =>
    epixelLeads(core.db, scope.workspaceId).where((eb) =>
      eb.or([
        eb("leads.assigned_user_id", "=", viewer.id),
        eb("leads.owner_user_id", "=", viewer.id),
        ...(viewer.role === "admin" ? [eb("leads.owner_user_id", "is", null)] : []),
      ]),
    );
  const statusRows = await mine()
    .select(["leads.status", "leads.status_word", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy(["leads.status", "leads.status_word"])
    .execute();
  const byWord = new Map<string, number>();
  let total = 0;
  for (const row of statusRows) {
    const word = words.wordOf({ status: row.status, statusWord: row.status_word });
    byWord.set(word, (byWord.get(word) ?? 0) + Number(row.count));
    total += Number(row.count);
  }
  const sourceRows = await mine()
    .select(["leads.source", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("leads.source")
    .orderBy("leads.source")
    .execute();
  return {
    total,
    byWord,
    bySource: sourceRows.map((row) => ({ source: row.source, count: Number(row.count) })),
  };
}

export interface EpixelExtras {
  statusWord?: string | null;
  location?: string | null;
  message?: string | null;
}

/** Creates a lead owned by `ownerUserId` with Epixel's fields, in one transaction with its event. */
export function createEpixelLead(
  core: Core,
  scope: Scope,
  ownerUserId: string,
  input: LeadInput,
  extras: EpixelExtras,
): Promise<Lead> {
  return createLead(core, scope, input, { ownerUserId, ...extras });
}

/**
 * Updates a lead's core fields (updateLeadIn) and Epixel's own, in one transaction. A change of
 * Epixel's fields alone appends its own `lead.updated` with those changes.
 */
export async function updateEpixelLead(
  core: Core,
  scope: Scope,
  before: Lead & { statusWord: string | null; location: string | null; message: string | null },
  input: LeadInput,
  extras: EpixelExtras,
): Promise<Lead> {
  const at = core.clock.now().toISOString();
  return core.db.transaction().execute(async (trx) => {
    const after = await updateLeadIn(trx, scope, { id: before.id }, input, at);
    const changes: Changes = {};
    const set: { status_word?: string | null; location?: string | null; message?: string | null } = {};
    for (const [field, column] of [
      ["statusWord", "status_word"],
      ["location", "location"],
      ["message", "message"],
    ] as const) {
      const value = extras[field];
      if (value === undefined) continue;
      // A core status change reset the word (updateLeadIn): write it again when one is given.
      const statusReset = field === "statusWord" && after.status !== before.status;
      if (value === before[field] && !statusReset) continue;
      set[column] = value;
      if (value !== before[field]) changes[field] = { from: before[field], to: value };
    }
    if (Object.keys(set).length === 0) return after;
    await trx
      .updateTable("leads")
      .set({ ...set, updated_at: at })
      .where("id", "=", before.id)
      .where("workspace_id", "=", scope.workspaceId)
      .execute();
    if (Object.keys(changes).length > 0) {
      await appendEvent(trx, scope, at, {
        type: "lead.updated",
        entityType: "lead",
        entityId: before.id,
        data: {
          ...after,
          ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])),
          changes,
        },
      });
    }
    return after;
  });
}
