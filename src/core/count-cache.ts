/**
 * Exact counts of filtered lists, remembered per workspace data version. A filtered total on a
 * large table costs a scan of an index; the answer stays right until the next write of that record
 * type in that workspace, which bumps the counter's version (src/core/counters.ts) and so misses
 * every cached entry. The version lives in the database, so every process agrees on it.
 */
const MAX_ENTRIES = 10_000;

export class CountCache {
  private readonly entries = new Map<string, number>();

  /** The cached count for `key` at `version`, or `count()` computed and remembered. */
  async get(key: string, version: number, count: () => Promise<number>): Promise<number> {
    const versioned = `${version}\u0000${key}`;
    const cached = this.entries.get(versioned);
    if (cached !== undefined) return cached;
    const value = await count();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(versioned, value);
    return value;
  }
}
