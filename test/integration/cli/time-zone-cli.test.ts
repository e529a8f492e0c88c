/**
 * `kith workspace time-zone SLUG ZONE` as a real process: it stores the IANA zone the workspace's
 * wall-clock times (Epixel appointments) are given in, and refuses names Intl does not know.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceTimeZone } from "../../../src/core/workspaces/workspace-time-zone.js";
import { openDatabase } from "../../../src/db/database.js";
import { failure, json, kith } from "../../support/cli.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`kith workspace time-zone (${engine})`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    const run = (...args: string[]) => kith(args, env);

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      env = { DATABASE_URL: database.url, KITH_BOOTSTRAP: "false" };
      json(run("workspace", "create", "--name", "Zone Co", "--json"));
    });
    afterAll(async () => database?.drop());

    const stored = async () => {
      const handle = openDatabase(database.url);
      try {
        const row = await handle.db
          .selectFrom("workspaces")
          .select("id")
          .where("slug", "=", "zone-co")
          .executeTakeFirstOrThrow();
        return await workspaceTimeZone(handle.db, row.id);
      } finally {
        await handle.close();
      }
    };

    it("starts at UTC, sets a valid zone, and refuses an unknown one or an unknown workspace", async () => {
      expect(await stored()).toBe("UTC");
      const set = json(run("workspace", "time-zone", "zone-co", "Europe/Berlin", "--json"));
      expect(set).toMatchObject({ slug: "zone-co", timeZone: "Europe/Berlin" });
      expect(await stored()).toBe("Europe/Berlin");
      const human = run("workspace", "time-zone", "zone-co", "America/New_York");
      expect(human.status, human.stderr).toBe(0);
      expect(human.stdout).toContain("America/New_York");
      expect(failure(run("workspace", "time-zone", "zone-co", "Mars/Olympus_Mons", "--json"))).toMatch(
        /time ?zone/i,
      );
      expect(failure(run("workspace", "time-zone", "no-such-workspace", "UTC", "--json"))).toMatch(
        /workspace/,
      );
      expect(await stored()).toBe("America/New_York");
    });
  });
}
