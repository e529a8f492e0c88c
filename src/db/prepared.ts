/**
 * Queries built with Kysely once and then run many times with fresh parameters.
 *
 * Building and compiling a Kysely query costs more than SQLite takes to answer a lookup by key,
 * so the hot paths (a record by number, a page of a list, the inserts of a create) compile their
 * query once per database and variant, and afterwards only bind values. The builder receives
 * placeholder parameters: it must pass them to Kysely as values, never inspect or transform them.
 */
import { type Compilable, CompiledQuery, type Kysely, SelectQueryNode } from "kysely";
import type { Executor } from "../core/core.js";
import type { Database } from "./schema.js";
import { directReaderOf } from "./sqlite-dialect.js";

const PLACEHOLDER = "\u0000kith-parameter:";

type Slot = { readonly name: string } | { readonly constant: unknown };

interface Plan {
  readonly sql: string;
  /** A plain SELECT, which SQLite may answer without queueing for the connection. */
  readonly read: boolean;
  readonly slots: readonly Slot[];
}

/** Every property read on it yields the placeholder of that parameter's name. */
const placeholders = new Proxy(
  {},
  { get: (_target, name) => (typeof name === "string" ? `${PLACEHOLDER}${name}` : undefined) },
);

/** Runs the query with `params`; `variant` picks one of its shapes (sort order, filters present). */
export type PreparedQuery<P, R, V> = (db: Executor, params: P, variant?: V) => Promise<R[]>;

export function prepared<P extends object, R, V = undefined>(
  build: (db: Kysely<Database>, params: P, variant: V) => Compilable<R>,
): PreparedQuery<P, R, V> {
  // Keyed by the database's adapter (one per Kysely instance, shared by its transactions), then variant.
  const plans = new WeakMap<object, Map<string, Plan>>();
  return async (db, params, variant) => {
    const adapter = db.getExecutor().adapter;
    let byVariant = plans.get(adapter);
    if (!byVariant) {
      byVariant = new Map();
      plans.set(adapter, byVariant);
    }
    const key = variant === undefined ? "" : JSON.stringify(variant);
    let plan = byVariant.get(key);
    if (!plan) {
      plan = compile(build(db, placeholders as P, variant as V));
      byVariant.set(key, plan);
    }
    const values = params as Record<string, unknown>;
    const parameters = plan.slots.map((slot) => ("name" in slot ? values[slot.name] : slot.constant));
    if (plan.read && !db.isTransaction) {
      const rows = directReaderOf(adapter)?.(plan.sql, parameters);
      if (rows) return rows as R[];
    }
    const result = await db.executeQuery<R>(CompiledQuery.raw(plan.sql, parameters));
    return result.rows;
  };
}

function compile(query: Compilable<unknown>): Plan {
  const { sql, parameters, query: node } = query.compile();
  const slots = parameters.map(
    (value): Slot =>
      typeof value === "string" && value.startsWith(PLACEHOLDER)
        ? { name: value.slice(PLACEHOLDER.length) }
        : { constant: value },
  );
  return { sql, slots, read: SelectQueryNode.is(node) };
}
