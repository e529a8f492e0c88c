/**
 * `kith status` as a real process over each engine: set, list and remove service-status
 * components by name, and the widget's W4 showing what the CLI set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createCore } from "../../../src/core/core.js";
import { getServiceStatus } from "../../../src/core/service-status/service-status.service.js";
import { getWorkspaceBySlug } from "../../../src/core/workspaces/workspaces.service.js";
import { openDatabase } from "../../../src/db/database.js";
import { failure, json, kith } from "../../support/cli.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";

const kithOn = (args: string[], databaseUrl: string) => kith(args, { DATABASE_URL: databaseUrl });

for (const engine of ENGINES) {
  describe(`kith status (${engine})`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    const run = (...args: string[]) => kithOn(args, database.url);
    beforeAll(() =>
      createTestDatabase(engine).then((created) => {
        database = created;
        json(run("workspace", "create", "--name", "Status Co", "--slug", "status-co", "--json"));
      }),
    );
    afterAll(async () => {
      await database?.drop();
    });

    it("set adds a component, then changes it by name; list shows the overall status", () => {
      const added = json(
        run(
          "status",
          "set",
          "--workspace",
          "status-co",
          "--component",
          "Email",
          "--status",
          "outage",
          "--message",
          "Mail is down",
          "--json",
        ),
      );
      expect(added).toEqual({
        number: expect.any(Number),
        name: "Email",
        status: "outage",
        message: "Mail is down",
        updated_at: expect.any(String),
      });
      json(
        run(
          "status",
          "set",
          "--workspace",
          "status-co",
          "--component",
          "VPN",
          "--status",
          "maintenance",
          "--json",
        ),
      );
      // Case-insensitive name: the same component; an absent --message keeps the message.
      const changed = json(
        run(
          "status",
          "set",
          "--workspace",
          "status-co",
          "--component",
          "email",
          "--status",
          "degraded",
          "--json",
        ),
      );
      expect(changed).toMatchObject({
        number: added.number,
        name: "Email",
        status: "degraded",
        message: "Mail is down",
      });
      const list = json(run("status", "list", "--workspace", "status-co", "--json"));
      expect(list).toEqual({
        status: "degraded",
        updated_at: expect.any(String),
        components: [
          expect.objectContaining({ name: "Email", status: "degraded" }),
          expect.objectContaining({ name: "VPN", status: "maintenance", message: null }),
        ],
      });
      const human = run("status", "list", "--workspace", "status-co");
      expect(human.status).toBe(0);
      expect(human.stdout).toContain("overall: degraded");
    });

    it("what the CLI sets is what the core (and so the widget's W4) reports", async () => {
      const handle = openDatabase(loadConfig({ DATABASE_URL: database.url }).databaseUrl);
      try {
        const core = createCore(handle);
        const workspace = await getWorkspaceBySlug(core, "status-co");
        const status = await getServiceStatus(core, { workspaceId: workspace.id, actor: "test" });
        expect(status.status).toBe("degraded");
        expect(status.components.map((component) => component.name)).toEqual(["Email", "VPN"]);
      } finally {
        await handle.close();
      }
    });

    it("remove deletes a component by name; an unknown one fails on stderr", () => {
      expect(
        json(run("status", "remove", "--workspace", "status-co", "--component", "vpn", "--json")),
      ).toMatchObject({
        name: "VPN",
        removed: true,
      });
      expect(
        failure(run("status", "remove", "--workspace", "status-co", "--component", "vpn", "--json")),
      ).toContain("component not found");
      const list = json(run("status", "list", "--workspace", "status-co", "--json"));
      expect(list.components.map((component: any) => component.name)).toEqual(["Email"]);
    });

    it("refuses an unknown status and an unknown workspace", () => {
      expect(
        failure(run("status", "set", "--workspace", "status-co", "--component", "X", "--status", "broken")),
      ).toContain("broken");
      expect(failure(run("status", "list", "--workspace", "nope", "--json"))).toContain("nope");
    });
  });
}
