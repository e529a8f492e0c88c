/**
 * Companies in keyset batches (see shared/keyset.ts), each with the figures a "company row" export
 * shows beside the record: open pipeline value, the company's board card, its last activity and
 * who created it. Every query is filtered by the caller's workspace.
 */
import { sql } from "kysely";
import type { Executor, Scope } from "../core.js";
import { batchLimit, type KeysetQuery } from "../shared/keyset.js";
import { DEFAULT_CURRENCY } from "../shared/money.js";
import { liveCompanies } from "./companies.repository.js";
import type { CompanyRelationship } from "./company.types.js";

export interface CompanyDigest {
  id: string;
  number: number;
  name: string;
  website: string | null;
  industry: string | null;
  notes: string | null;
  relationship: CompanyRelationship;
  /**
   * Sum of the company's open opportunities, in minor units of `currency`. Amounts in different
   * currencies are never added together: the sum is taken in DEFAULT_CURRENCY when any open
   * opportunity uses it, otherwise in the currency most of them use (ties: alphabetical).
   * 0 in DEFAULT_CURRENCY when the company has no open opportunity.
   */
  openValueMinor: number;
  currency: string;
  /** The company's board card: its newest live lead, and that lead's stage (null when none). */
  card: { leadId: string; stageId: string | null; stagePosition: number | null } | null;
  /** When the newest live activity logged on the company was recorded. */
  lastActivityAt: string | null;
  /** The user who created the company (the `company.created` event's actor), when it was a user. */
  createdByUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The next batch of live companies, in creation order (by number). */
export async function readCompanyBatch(
  db: Executor,
  scope: Scope,
  query: KeysetQuery,
): Promise<CompanyDigest[]> {
  const workspaceId = scope.workspaceId;
  let base = liveCompanies(db, workspaceId);
  if (query.after !== undefined) base = base.where("companies.seq", ">", query.after);
  const rows = await base
    .select((eb) => [
      "companies.id",
      "companies.seq",
      "companies.name",
      "companies.website",
      "companies.industry",
      "companies.notes",
      "companies.relationship",
      "companies.created_at",
      "companies.updated_at",
      eb
        .selectFrom("leads")
        .select("leads.id")
        .whereRef("leads.company_id", "=", "companies.id")
        .where("leads.workspace_id", "=", workspaceId)
        .where("leads.deleted_at", "is", null)
        .orderBy("leads.created_at", "desc")
        .orderBy("leads.seq", "desc")
        .limit(1)
        .as("card_lead_id"),
      eb
        .selectFrom("activities")
        .select((inner) => inner.fn.max("activities.created_at").as("at"))
        .where("activities.workspace_id", "=", workspaceId)
        .where("activities.entity_type", "=", "company")
        .whereRef("activities.entity_id", "=", "companies.id")
        .where("activities.deleted_at", "is", null)
        .as("last_activity_at"),
      eb
        .selectFrom("events")
        .select("events.actor")
        .where("events.workspace_id", "=", workspaceId)
        .whereRef("events.entity_id", "=", "companies.id")
        .where("events.type", "=", "company.created")
        .orderBy("events.position", "asc")
        .limit(1)
        .as("created_by"),
    ])
    .orderBy("companies.seq", "asc")
    .limit(batchLimit(query))
    .execute();
  if (rows.length === 0) return [];

  const ids = rows.map((row) => row.id);
  const values = await db
    .selectFrom("opportunities")
    .select((eb) => [
      "opportunities.company_id",
      "opportunities.currency",
      eb.fn.countAll<number>().as("count"),
      sql<number>`coalesce(sum(opportunities.value_minor), 0)`.as("total"),
    ])
    .where("opportunities.workspace_id", "=", workspaceId)
    .where("opportunities.deleted_at", "is", null)
    .where("opportunities.status", "=", "open")
    .where("opportunities.company_id", "in", ids)
    .groupBy(["opportunities.company_id", "opportunities.currency"])
    .execute();
  const sums = new Map<string, { currency: string; count: number; total: number }[]>();
  for (const row of values) {
    const list = sums.get(row.company_id!) ?? [];
    list.push({ currency: row.currency, count: Number(row.count), total: Number(row.total) });
    sums.set(row.company_id!, list);
  }

  const cardIds = rows.map((row) => row.card_lead_id).filter((id): id is string => id !== null);
  const cards = new Map<string, { stageId: string | null; stagePosition: number | null }>();
  if (cardIds.length > 0) {
    const cardRows = await db
      .selectFrom("leads")
      .leftJoin("pipeline_stages", (join) =>
        join
          .onRef("pipeline_stages.id", "=", "leads.stage_id")
          .on("pipeline_stages.workspace_id", "=", workspaceId),
      )
      .select(["leads.id", "leads.stage_id", "pipeline_stages.position"])
      .where("leads.workspace_id", "=", workspaceId)
      .where("leads.id", "in", cardIds)
      .execute();
    for (const row of cardRows) {
      cards.set(row.id, {
        stageId: row.stage_id,
        stagePosition: row.position === null ? null : Number(row.position),
      });
    }
  }

  const actors = [...new Set(rows.map((row) => row.created_by).filter((id): id is string => id !== null))];
  const users = new Set<string>();
  if (actors.length > 0) {
    const userRows = await db
      .selectFrom("users")
      .select("users.id")
      .where("users.workspace_id", "=", workspaceId)
      .where("users.id", "in", actors)
      .execute();
    for (const row of userRows) users.add(row.id);
  }

  return rows.map((row) => {
    const value = openValue(sums.get(row.id) ?? []);
    const card = row.card_lead_id === null ? null : cards.get(row.card_lead_id);
    return {
      id: row.id,
      number: Number(row.seq),
      name: row.name,
      website: row.website,
      industry: row.industry,
      notes: row.notes,
      relationship: row.relationship as CompanyRelationship,
      openValueMinor: value.total,
      currency: value.currency,
      card: card && row.card_lead_id ? { leadId: row.card_lead_id, ...card } : null,
      lastActivityAt: (row.last_activity_at as string | null) ?? null,
      createdByUserId: row.created_by !== null && users.has(row.created_by) ? row.created_by : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** The one currency a company's open value is summed in (see CompanyDigest.openValueMinor). */
export function openValue(sums: readonly { currency: string; count: number; total: number }[]): {
  currency: string;
  total: number;
} {
  if (sums.length === 0) return { currency: DEFAULT_CURRENCY, total: 0 };
  const chosen =
    sums.find((sum) => sum.currency === DEFAULT_CURRENCY) ??
    [...sums].sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency))[0]!;
  return { currency: chosen.currency, total: chosen.total };
}
