/**
 * Epixel's lead status words (seeds/004: prospect, tentative, potential, closed, contact,
 * customer) and the core status (Valethon's vocabulary) each maps onto. Per workspace, with a
 * description, colour and order for the overview; defaults are created by migration 13 for the
 * workspaces of that time and here, lazily, for later ones.
 */
import type { Executor } from "../core.js";
import type { LeadStatus } from "./lead.types.js";

export const EPIXEL_STATUS_WORDS = [
  "prospect",
  "tentative",
  "potential",
  "closed",
  "contact",
  "customer",
] as const;
export type EpixelStatusWord = (typeof EPIXEL_STATUS_WORDS)[number];

export interface StatusDefinition {
  word: string;
  description: string;
  color: string;
  order: number;
  coreStatus: LeadStatus;
}

/** In order; the first word of a core status is that status's default word. */
export const DEFAULT_STATUS_DEFINITIONS: readonly StatusDefinition[] = [
  {
    word: "prospect",
    description: "Newly added lead, not contacted yet.",
    color: "#3B82F6",
    order: 1,
    coreStatus: "new",
  },
  {
    word: "contact",
    description: "Lead that has been contacted.",
    color: "#06B6D4",
    order: 2,
    coreStatus: "contacted",
  },
  {
    word: "tentative",
    description: "Lead showing tentative interest.",
    color: "#F59E0B",
    order: 3,
    coreStatus: "contacted",
  },
  {
    word: "potential",
    description: "Qualified lead with real potential.",
    color: "#8B5CF6",
    order: 4,
    coreStatus: "qualified",
  },
  {
    word: "customer",
    description: "Lead that became a customer.",
    color: "#10B981",
    order: 5,
    coreStatus: "converted",
  },
  {
    word: "closed",
    description: "Closed without a sale.",
    color: "#6B7280",
    order: 6,
    coreStatus: "unqualified",
  },
];

export class StatusWords {
  constructor(readonly definitions: readonly StatusDefinition[]) {}

  of(word: string): StatusDefinition | undefined {
    return this.definitions.find((definition) => definition.word === word);
  }

  /** The word shown for a lead: the one set through Epixel, else its core status's default word. */
  wordOf(lead: { status: string; statusWord: string | null }): string {
    if (lead.statusWord && this.of(lead.statusWord)) return lead.statusWord;
    return this.defaultWordOf(lead.status);
  }

  defaultWordOf(status: string): string {
    return this.definitions.find((definition) => definition.coreStatus === status)?.word ?? status;
  }
}

/** The workspace's definitions, in order; the defaults are inserted the first time they are asked for. */
export async function statusWordsOf(db: Executor, workspaceId: string): Promise<StatusWords> {
  const read = () =>
    db
      .selectFrom("lead_status_definitions")
      .select(["word", "description", "color", "sort_order", "core_status"])
      .where("workspace_id", "=", workspaceId)
      .orderBy("sort_order")
      .orderBy("word")
      .execute();
  let rows = await read();
  if (rows.length === 0) {
    await db
      .insertInto("lead_status_definitions")
      .values(
        DEFAULT_STATUS_DEFINITIONS.map((definition) => ({
          workspace_id: workspaceId,
          word: definition.word,
          description: definition.description,
          color: definition.color,
          sort_order: definition.order,
          core_status: definition.coreStatus,
        })),
      )
      .onConflict((conflict) => conflict.columns(["workspace_id", "word"]).doNothing())
      .execute();
    rows = await read();
  }
  return new StatusWords(
    rows.map((row) => ({
      word: row.word,
      description: row.description,
      color: row.color,
      order: Number(row.sort_order),
      coreStatus: row.core_status as LeadStatus,
    })),
  );
}
