/**
 * Keyset batches: how the core hands out a whole list without holding a cursor open. Each batch is
 * one short query ordered by the per-workspace number (`seq`, unique and indexed with the
 * workspace), starting after the last number of the previous batch. Between batches no connection
 * or transaction is held, so a slow reader never blocks the SQLite connection or keeps a long
 * PostgreSQL transaction open.
 */

/** Rows per batch unless the caller asks for fewer. */
export const KEYSET_BATCH_SIZE = 500;

export interface KeysetQuery {
  /** Only records numbered after this (the previous batch's last `number`); absent: from the start. */
  after?: number;
  /** Most rows to return (at most KEYSET_BATCH_SIZE). */
  limit?: number;
}

export const batchLimit = (query: KeysetQuery): number =>
  Math.max(1, Math.min(query.limit ?? KEYSET_BATCH_SIZE, KEYSET_BATCH_SIZE));
