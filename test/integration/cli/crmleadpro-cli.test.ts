/**
 * The CLI commands CRMLead Pro needs, as real processes: `kith workspace plan` (the document's
 * per-plan rate limits, seen on the next request) and `kith whatsapp-connection create|list`
 * (the token sealed, never printed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../../src/server.js";
import { failure, json, kith } from "../../support/cli.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";

const TOKEN = "wa-secret-token-never-shown";

for (const engine of ENGINES) {
  describe(`CRMLead Pro CLI (${engine})`, { timeout: 120_000 }, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    const run = (...args: string[]) => kith(args, env);

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      env = { DATABASE_URL: database.url, KITH_WEBHOOK_ALLOW_PRIVATE: "true", KITH_BOOTSTRAP: "false" };
      json(run("workspace", "create", "--name", "Lead Co", "--json"));
    });
    afterAll(async () => database?.drop());

    it("whatsapp-connection create --json prints the connection without its token; list shows it", () => {
      const created = run(
        "whatsapp-connection",
        "create",
        "--workspace",
        "lead-co",
        "--name",
        "Main number",
        "--base-url",
        "http://127.0.0.1:9/v20.0",
        "--phone-number-id",
        "1098765",
        "--token",
        TOKEN,
        "--json",
      );
      expect(created.stdout).not.toContain(TOKEN);
      const connection = json(created);
      expect(connection).toMatchObject({
        name: "Main number",
        base_url: "http://127.0.0.1:9/v20.0",
        phone_number_id: "1098765",
        has_token: true,
        status: "active",
      });
      expect(json(run("whatsapp-connection", "list", "--workspace", "lead-co", "--json"))).toEqual([
        connection,
      ]);
      expect(
        failure(
          run(
            "whatsapp-connection",
            "create",
            "--workspace",
            "lead-co",
            "--name",
            "X",
            "--base-url",
            "ftp://x",
            "--phone-number-id",
            "1",
            "--token",
            "t",
            "--json",
          ),
        ),
      ).toMatch(/base/i);
    });

    it("workspace plan sets growth or pro, and CRMLead Pro's limit follows it", async () => {
      const key = json(
        run(
          "key",
          "create",
          "--workspace",
          "lead-co",
          "--type",
          "secret",
          "--format",
          "crmleadpro",
          "--json",
        ),
      ).key;
      expect(json(run("workspace", "plan", "lead-co", "pro", "--json"))).toMatchObject({
        slug: "lead-co",
        plan: "pro",
      });
      expect(failure(run("workspace", "plan", "lead-co", "platinum", "--json"))).toMatch(/plan/);
      const server = await startServer(loadConfig({ ...env, PORT: "0" }), { worker: false });
      try {
        const response = await fetch(`${server.url}/api/v1/pipelines`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get("x-ratelimit-limit")).toBe("5000");
      } finally {
        await server.close();
      }
    });
  });
}
