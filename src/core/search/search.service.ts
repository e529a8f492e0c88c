/**
 * Global search over the `search_documents` index (kept by the record services, see
 * search-documents.ts), always within the caller's workspace.
 *
 * Query: the text is cut into terms of letters and digits only (anything else separates terms, so
 * no full-text syntax can be injected); at most MAX_TERMS terms of at most MAX_TERM_LENGTH
 * characters are kept. Every term is a prefix term and all must match (`jane smi` finds Jane Smith).
 *
 * Engines: SQLite matches with the FTS5 table `search_fts`, PostgreSQL with the generated `tsv`
 * column and `to_tsquery('simple', …)`. Both read the newest CANDIDATES (200) matches straight off the
 * index (newest first), and Kith ranks those itself (see `relevance`), so a query costs the same
 * however many records match, and both engines score alike.
 *
 * Score: in 0..1, from where the terms matched (title word, title prefix, subtitle, elsewhere);
 * ties keep the newest document first. When more than CANDIDATES documents match, the best of the
 * newest CANDIDATES are shown — type more of the word to narrow it.
 *
 * Total: the number of matching documents, counted up to TOTAL_CAP (a larger count reports TOTAL_CAP).
 */
import { type RawBuilder, sql } from "kysely";
import type { Engine } from "../../db/database.js";
import type { Core, Scope } from "../core.js";
import { validationError } from "../errors.js";
import type { SearchableType } from "./search-documents.js";

export const SEARCH_LIMITS = { defaultLimit: 20, maxLimit: 100, maxQueryLength: 200 } as const;
export const TOTAL_CAP = 1000;
/** Matches ranked per query: the newest ones. */
const CANDIDATES = 200;
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
  /** Relevance in 0..1 (see `relevance`). */
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

/** The index's query for `terms`: every term a prefix, all required. */
export function matchExpression(engine: Engine, terms: readonly string[]): string {
  return engine === "postgres"
    ? terms.map((term) => `${term}:*`).join(" & ")
    : terms.map((term) => `"${term}"*`).join(" ");
}

/**
 * A subquery of the ids of the newest TOTAL_CAP records of `type` in the workspace whose search
 * document matches `match` (from matchExpression): how list endpoints filter by `search`.
 */
export function newestMatchingIds(engine: Engine, workspaceId: string, type: SearchableType, match: string) {
  return engine === "postgres"
    ? sql<string>`(select d.entity_id from search_documents d
        where d.workspace_id = ${workspaceId} and d.entity_type = ${type}
          and d.tsv @@ to_tsquery('simple', ${match})
        order by d.id desc limit ${TOTAL_CAP})`
    : sql<string>`(select d.entity_id from search_fts join search_documents d on d.id = search_fts.rowid
        where search_fts match ${match} and d.workspace_id = ${workspaceId} and d.entity_type = ${type}
        order by search_fts.rowid desc limit ${TOTAL_CAP})`;
}

interface Row {
  entity_type: string;
  entity_id: string;
  number: number | string;
  title: string;
  subtitle: string | null;
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
  const match = matchExpression(core.engine, terms);
  const typeList = sql.join(types.map((type) => sql`${type}`));

  // The newest CANDIDATES matches, newest first: both engines read them straight off the index.
  const candidates = postgres
    ? await sql<Row>`
        select d.entity_type, d.entity_id, d.number, d.title, d.subtitle
        from search_documents d
        where d.workspace_id = ${scope.workspaceId} and d.entity_type in (${typeList})
          and d.tsv @@ to_tsquery('simple', ${match})
        order by d.id desc
        limit ${CANDIDATES}`.execute(core.db)
    : await sql<Row>`
        select d.entity_type, d.entity_id, d.number, d.title, d.subtitle
        from search_fts join search_documents d on d.id = search_fts.rowid
        where search_fts match ${match} and d.workspace_id = ${scope.workspaceId}
          and d.entity_type in (${typeList})
        order by search_fts.rowid desc
        limit ${CANDIDATES}`.execute(core.db);

  const scored = candidates.rows.map((row, index) => ({ row, index, score: relevance(terms, row) }));
  // Best score first; among equals the newest (the candidates' order).
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return {
    results: scored.slice(0, query.limit).map(({ row, score }) => ({
      type: row.entity_type as SearchableType,
      id: row.entity_id,
      number: Number(row.number),
      title: row.title,
      subtitle: row.subtitle,
      score,
    })),
    total:
      candidates.rows.length < CANDIDATES
        ? candidates.rows.length
        : await countMatches(core, scope.workspaceId, typeList, match),
  };
}

/** Matching documents, counted up to TOTAL_CAP: index entries only, no document is read. */
async function countMatches(core: Core, workspaceId: string, typeList: RawBuilder<unknown>, match: string) {
  const counted =
    core.engine === "postgres"
      ? await sql<{ count: number | string }>`
          select count(*) as count from (select 1 from search_documents d
            where d.workspace_id = ${workspaceId} and d.entity_type in (${typeList})
              and d.tsv @@ to_tsquery('simple', ${match}) limit ${TOTAL_CAP}) as matches`.execute(core.db)
      : await sql<{ count: number | string }>`
          select count(*) as count from (select 1 from search_fts join search_documents d on d.id = search_fts.rowid
            where search_fts match ${match} and d.workspace_id = ${workspaceId}
              and d.entity_type in (${typeList}) limit ${TOTAL_CAP}) as matches`.execute(core.db);
  return Number(counted.rows[0]?.count ?? 0);
}

const wordsOf = (text: string | null) =>
  (text ?? "")
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * Relevance in 0..1: each term earns 4 when a title word is the term, 3 when a title word starts
 * with it, 2 for the subtitle, 1 for anything else the index matched (the body, or a spelling the
 * index folds, such as accents); the sum is divided by 4 per term.
 */
function relevance(terms: string[], row: Row): number {
  const title = wordsOf(row.title);
  const subtitle = wordsOf(row.subtitle);
  let points = 0;
  for (const term of terms) {
    if (title.includes(term)) points += 4;
    else if (title.some((word) => word.startsWith(term))) points += 3;
    else if (subtitle.some((word) => word.startsWith(term))) points += 2;
    else points += 1;
  }
  return Math.round((points / (4 * terms.length)) * 10_000) / 10_000;
}
