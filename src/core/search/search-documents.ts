/**
 * Writes of the global search index. Every service that owns a searchable record (leads, contacts,
 * companies, opportunities) calls these inside its write's transaction, so a record is found by the
 * very next request and a rolled-back write leaves nothing in the index.
 */
import type { Trx } from "../core.js";

export type SearchableType = "lead" | "contact" | "company" | "opportunity";

export interface SearchDocument {
  entityType: SearchableType;
  entityId: string;
  /** The record's per-workspace number (its id in Valethon URLs). */
  number: number;
  /** What a result shows first: a person's or a company's name, a deal's name. */
  title: string;
  /** What a result shows under it: a company name, an email. */
  subtitle: string | null;
  /** Every other searchable text (emails, phones, websites), space-separated. */
  body: string;
}

/**
 * A body text as words: its runs of letters and digits, space-separated. PostgreSQL's parser keeps
 * `jane@acme.com` or `+1-555-0100` whole where SQLite's splits them; a body passed through this is
 * found by `jane`, `acme` or `555` on both engines alike (the body is never shown).
 */
export const indexedBody = (body: string): string =>
  body
    .normalize("NFC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .join(" ");

/** Adds the record to the index, or replaces what the index had for it. */
export async function indexDocument(
  trx: Trx,
  workspaceId: string,
  doc: SearchDocument,
  at: string,
): Promise<void> {
  await trx
    .insertInto("search_documents")
    .values({
      workspace_id: workspaceId,
      entity_type: doc.entityType,
      entity_id: doc.entityId,
      number: doc.number,
      title: doc.title,
      subtitle: doc.subtitle,
      body: doc.body,
      updated_at: at,
    })
    .onConflict((conflict) =>
      conflict.columns(["entity_type", "entity_id"]).doUpdateSet({
        number: doc.number,
        title: doc.title,
        subtitle: doc.subtitle,
        body: doc.body,
        updated_at: at,
      }),
    )
    .execute();
}

/** Takes a deleted record out of the index. */
export async function unindexDocument(trx: Trx, entityType: SearchableType, entityId: string): Promise<void> {
  await trx
    .deleteFrom("search_documents")
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .execute();
}

/** Joins the non-empty parts of a text with spaces. */
export const searchText = (...parts: (string | null | undefined)[]): string =>
  parts.filter((part): part is string => typeof part === "string" && part.trim() !== "").join(" ");
