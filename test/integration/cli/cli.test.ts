/**
 * The `kith` command as a real process (`node --import tsx src/cli/main.ts …`) over a SQLite file
 * in a temp folder. Spawns run one at a time; each costs about a second.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, json, kith } from "../../support/cli.js";

const keysOf = (value: object) => Object.keys(value).sort();

describe("kith CLI", { timeout: 120_000 }, () => {
  let dir: string;
  let dbPath: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => kith(args, env);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kith-cli-"));
    dbPath = join(dir, "kith.sqlite");
    env = { DATABASE_URL: `sqlite:${dbPath}` };
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("migrate --json applies the migrations once, then none", () => {
    const first = json(run("migrate", "--json"));
    expect(keysOf(first)).toEqual(["applied"]);
    expect(Array.isArray(first.applied)).toBe(true);
    expect(first.applied.length).toBeGreaterThan(0);
    for (const name of first.applied) expect(typeof name).toBe("string");
    expect(existsSync(dbPath)).toBe(true);

    expect(json(run("migrate", "--json"))).toEqual({ applied: [] });
  });

  it("workspace create --json prints the workspace and refuses a duplicate slug", () => {
    const created = json(run("workspace", "create", "--name", "Acme Inc", "--json"));
    expect(keysOf(created)).toEqual(["id", "name", "slug"]);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug: "acme-inc",
      name: "Acme Inc",
    });

    const duplicate = failure(run("workspace", "create", "--name", "Acme Inc", "--json"));
    expect(duplicate).toContain("acme-inc");
    expect(duplicate.trim().split("\n")).toHaveLength(1);

    const listed = json(run("workspace", "list", "--json"));
    expect(listed).toEqual([created]);
  });

  describe("keys", () => {
    let created: any;

    it("key create --json prints the key once, in the CRMLeadPro format", () => {
      created = json(
        run(
          "key",
          "create",
          "--workspace",
          "acme-inc",
          "--type",
          "secret",
          "--format",
          "crmleadpro",
          "--scopes",
          "leads:read,leads:write",
          "--rate-limit",
          "500",
          "--json",
        ),
      );
      expect(keysOf(created)).toEqual(
        keysOf({ id: 0, key: 0, prefix: 0, type: 0, format: 0, scopes: 0, rate_limit: 0 }),
      );
      expect(created.key).toMatch(/^crmlp_live_[A-Za-z0-9]{32}$/);
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        key: created.key,
        prefix: created.key.slice(0, "crmlp_live_".length + 6),
        type: "secret",
        format: "crmleadpro",
        scopes: ["leads:read", "leads:write"],
        rate_limit: 500,
      });
    });

    it("keeps only the key's SHA-256 digest in the database file, never the key", () => {
      expect(created).toBeDefined();
      const files = [dbPath, `${dbPath}-wal`].filter(existsSync);
      const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
      expect(bytes.length).toBeGreaterThan(0);
      const digest = createHash("sha256").update(created.key).digest("hex");
      expect(bytes.includes(Buffer.from(digest))).toBe(true);
      expect(bytes.includes(Buffer.from(created.key))).toBe(false);
      // Not even the random part on its own, nor the visible prefix plus one more character.
      expect(bytes.includes(Buffer.from(created.key.slice("crmlp_live_".length)))).toBe(false);
      expect(bytes.includes(Buffer.from(created.key.slice(0, created.prefix.length + 1)))).toBe(false);
      // The visible prefix is kept (the listing shows it).
      expect(bytes.includes(Buffer.from(created.prefix))).toBe(true);
    });

    it("key list --json shows prefix, status and last use, never the key", () => {
      const result = run("key", "list", "--workspace", "acme-inc", "--json");
      expect(result.stdout).not.toContain(created.key);
      const listed = json(result);
      expect(Array.isArray(listed)).toBe(true);
      expect(listed).toHaveLength(1);
      for (const item of listed) {
        expect(keysOf(item)).toEqual(["format", "id", "last_used_at", "prefix", "scopes", "status", "type"]);
      }
      expect(listed[0]).toEqual({
        id: created.id,
        prefix: created.prefix,
        type: "secret",
        format: "crmleadpro",
        scopes: ["leads:read", "leads:write"],
        status: "active",
        last_used_at: null,
      });
    });

    it("key suspend, activate and revoke change the status; a revoked key stays revoked", () => {
      expect(json(run("key", "suspend", created.id, "--json"))).toEqual({
        id: created.id,
        status: "suspended",
      });
      expect(json(run("key", "activate", created.id, "--json"))).toEqual({
        id: created.id,
        status: "active",
      });
      expect(json(run("key", "revoke", created.id, "--json"))).toEqual({ id: created.id, status: "revoked" });
      const refused = failure(run("key", "activate", created.id, "--json"));
      expect(refused).toMatch(/revoked/);
    });

    it("fails with a message on stderr for an unknown workspace", () => {
      const stderr = failure(run("key", "create", "--workspace", "no-such-ws", "--type", "secret", "--json"));
      expect(stderr).toContain("no-such-ws");
      expect(stderr).toMatch(/not found/);
    });

    it("fails for an unknown key type", () => {
      const stderr = failure(run("key", "create", "--workspace", "acme-inc", "--type", "bogus", "--json"));
      expect(stderr).toContain("--type");
      expect(stderr).toContain("bogus");
    });
  });

  describe("users", () => {
    it("user create --json prints id, number and username", () => {
      const created = json(
        run(
          "user",
          "create",
          "--workspace",
          "acme-inc",
          "--username",
          "ana",
          "--name",
          "Ana",
          "--email",
          "ana@x.io",
          "--json",
        ),
      );
      expect(keysOf(created)).toEqual(["id", "number", "username"]);
      expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), number: 1, username: "ana" });
    });

    it("refuses a bad email, naming the field on stderr", () => {
      const stderr = failure(
        run(
          "user",
          "create",
          "--workspace",
          "acme-inc",
          "--username",
          "bob",
          "--name",
          "Bob",
          "--email",
          "not-an-email",
          "--json",
        ),
      );
      expect(stderr).toContain("email");
      expect(stderr.trim().split("\n")).toHaveLength(1);
    });
  });

  it("demo --json fills a workspace and prints the counts; stderr carries the progress", () => {
    const result = run("demo", "--workspace", "acme-inc", "--leads", "25", "--json");
    expect(json(result)).toEqual({ leads: 25, contacts: 7, companies: 2, opportunities: 2 });
    expect(failure(run("demo", "--workspace", "no-such-workspace", "--json"))).toMatch(/workspace/);
    expect(failure(run("demo", "--workspace", "acme-inc", "--leads", "0", "--json"))).toMatch(/--leads/);
  });

  it("stops on a bad environment with one stderr line naming the variable", () => {
    const result = kith(["serve"], { ...env, PORT: "abc" });
    const stderr = failure(result);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("PORT");
    expect(lines[0]).toContain("abc");
  });
});
