/**
 * Global search over the `search_documents` index (kept by the record services, see
 * search-documents.ts), always within the caller's workspace.
 *
 * Query: the text is cut into terms of letters and digits only (anything else separates terms, so
 * no full-text syntax can be injected); at most MAX_TERMS terms of at most MAX_TERM_LENGTH
 * characters are kept. Every term is a prefix term and all must match (`jane smi` finds Jane Smith).
 *
 * Engines: SQLite matches with the FTS5 table `search_fts` and ranks with bm25 (title weighs 10,
 * subtitle 5, body 1); PostgreSQL matches the generated `tsv` column with `to_tsquery('simple', …)`
 * and ranks with `ts_rank` (title A, subtitle B, body C weights).
 *
 * Score: each engine's relevance r ≥ 0 (−bm25 on SQLite, ts_rank on PostgreSQL) divided by the best
 * r of the page, rounded to 4 decimals: the best result scores 1, the others their share of its
 * relevance, so scores are in 0..1 and ordered like the results. Ties keep the newest document first.
 *
 * Total: the number of matching documents, counted up to TOTAL_CAP (a larger count reports TOTAL_CAP).
 */
import { sql } from "kysely";
import type { Core, Scope } from "../core.js";
import { validationError } from "../errors.js";
import type { SearchableType } from "./search-documents.js";

export const SEARCH_LIMITS = { defaultLimit: 20, maxLimit: 100, maxQueryLength: 200 } as const;
export const TOTAL_CAP = 1000;
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

export const SEARCHABLE_TYPES: readonly SearchableType[] = ["lead", "contact", "company", "opportunity"];

export interface SearchQuery {
  q: string;
  /** The types to search; absent or empty means all. */
  types?: readonly SearchableType[];
  limit: number;
}

export interface SearchHit {
  type: SearchableType;
  /** The record's UUID. */
  id: string;
  /** The record's per-workspace number. */
  number: number;
  title: string;
  subtitle: string | null;
  /** Relevance in 0..1; the page's best result scores 1. */
  score: number;
}

export interface SearchResult {
  results: SearchHit[];
  /** Matching documents, counted up to TOTAL_CAP. */
  total: number;
}

/** The query's terms: runs of letters and digits, lower-cased. */
export function searchTerms(q: string): string[] {
  return q
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0)
    .slice(0, MAX_TERMS)
    .map((term) => term.slice(0, MAX_TERM_LENGTH));
}

interface Row {
  entity_type: string;
  entity_id: string;
  number: number | string;
  title: string;
  subtitle: string | null;
  relevance: number | string;
}

export async function searchRecords(core: Core, scope: Scope, query: SearchQuery): Promise<SearchResult> {
  if (typeof query.q !== "string" || query.q.trim() === "") throw validationError("q", "must not be blank");
  if (query.q.length > SEARCH_LIMITS.maxQueryLength) {
    throw validationError("q", `must be at most ${SEARCH_LIMITS.maxQueryLength} characters`);
  }
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > SEARCH_LIMITS.maxLimit) {
    throw validationError("limit", `must be a whole number from 1 to ${SEARCH_LIMITS.maxLimit}`);
  }
  const types = query.types && query.types.length > 0 ? [...new Set(query.types)] : [...SEARCHABLE_TYPES];
  for (const type of types) {
    if (!SEARCHABLE_TYPES.includes(type)) throw validationError("types", `has an unknown type ${type}`);
  }
  const terms = searchTerms(query.q);
  if (terms.length === 0) return { results: [], total: 0 };

  const postgres = core.engine === "postgres";
  const match = postgres
    ? terms.map((term) => `${term}:*`).join(" & ")
    : terms.map((t) => `"${t}"*`).join(" ");
  const typeList = sql.join(types.map((type) => sql`${type}`));

  const rows = postgres
    ? await sql<Row>`
        select d.entity_type, d.entity_id, d.number, d.title, d.subtitle, ts_rank(d.tsv, q.query) as relevance
        from search_documents d, to_tsquery('simple', ${match}) as q(query)
        where d.workspace_id = ${scope.workspaceId} and d.entity_type in (${typeList}) and d.tsv @@ q.query
        order by relevance desc, d.id desc
        limit ${query.limit}`.execute(core.db)
    : await sql<Row>`
        select d.entity_type, d.entity_id, d.number, d.title, d.subtitle,
          -bm25(search_fts, 10.0, 5.0, 1.0) as relevance
        from search_fts join search_documents d on d.id = search_fts.rowid
        where search_fts match ${match} and d.workspace_id = ${scope.workspaceId}
          and d.entity_type in (${typeList})
        order by bm25(search_fts, 10.0, 5.0, 1.0), d.id desc
        limit ${query.limit}`.execute(core.db);

  const found = rows.rows;
  let total = found.length;
  if (found.length === query.limit) {
    const counted = postgres
      ? await sql<{ count: number | string }>`
          select count(*) as count from (
            select 1 from search_documents d
            where d.workspace_id = ${scope.workspaceId} and d.entity_type in (${typeList})
              and d.tsv @@ to_tsquery('simple', ${match})
            limit ${TOTAL_CAP}) as matches`.execute(core.db)
      : await sql<{ count: number | string }>`
          select count(*) as count from (
            select 1 from search_fts join search_documents d on d.id = search_fts.rowid
            where search_fts match ${match} and d.workspace_id = ${scope.workspaceId}
              and d.entity_type in (${typeList})
            limit ${TOTAL_CAP}) as matches`.execute(core.db);
    total = Number(counted.rows[0]?.count ?? found.length);
  }

  const best = Math.max(0, ...found.map((row) => Number(row.relevance)));
  return {
    results: found.map((row) => {
      const relevance = Math.max(0, Number(row.relevance));
      return {
        type: row.entity_type as SearchableType,
        id: row.entity_id,
        number: Number(row.number),
        title: row.title,
        subtitle: row.subtitle,
        score: best > 0 ? Math.round((relevance / best) * 10_000) / 10_000 : 1,
      };
    }),
    total,
  };
}
