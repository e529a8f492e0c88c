/**
 * `kith email-connection create|list` as a real process, and the email sender running inside
 * `kith worker` and `kith serve` (started in-process over the same database): a message queued
 * through the core reaches the SMTP sink without anyone calling the sender.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { queueOutboundEmail } from "../../../src/core/email/outbound-emails.service.js";
import { startWorker } from "../../../src/jobs/worker.js";
import { startServer } from "../../../src/server.js";
import { failure, json, kith } from "../../support/cli.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/engines.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";

const PASSWORD = "cli-smtp-secret";

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

for (const engine of ENGINES) {
  describe(`email connections from the CLI, sending from worker and serve (${engine})`, {
    timeout: 120_000,
  }, () => {
    let database: TestDatabase;
    let sink: SmtpSink;
    let env: Record<string, string>;
    let workspaceId: string;
    let connection: any;
    const run = (...args: string[]) => kith(args, env);

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      sink = await startSmtpSink({ user: "sales", pass: PASSWORD });
      env = { DATABASE_URL: database.url, KITH_WEBHOOK_ALLOW_PRIVATE: "true", KITH_BOOTSTRAP: "false" };
      workspaceId = json(run("workspace", "create", "--name", "Mail Co", "--json")).id;
    });
    afterAll(async () => {
      await sink?.close();
      await database?.drop();
    });

    it("email-connection create --json prints the connection without its password", () => {
      const created = run(
        "email-connection",
        "create",
        "--workspace",
        "mail-co",
        "--channel",
        "smtp",
        "--name",
        "Sales",
        "--from",
        "sales@mail.test",
        "--host",
        "127.0.0.1",
        "--port",
        String(sink.port),
        "--username",
        "sales",
        "--password",
        PASSWORD,
        "--json",
      );
      expect(created.stdout).not.toContain(PASSWORD);
      connection = json(created);
      expect(connection).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        number: 1,
        channel: "smtp",
        name: "Sales",
        from_email: "sales@mail.test",
        from_name: null,
        host: "127.0.0.1",
        port: sink.port,
        secure: false,
        username: "sales",
        has_password: true,
        status: "active",
        created_at: expect.any(String),
      });
      expect(json(run("email-connection", "list", "--workspace", "mail-co", "--json"))).toEqual([connection]);
    });

    it("email-connection create names the field at fault, and refuses private hosts unless allowed", () => {
      const args = [
        "email-connection",
        "create",
        "--workspace",
        "mail-co",
        "--channel",
        "smtp",
        "--name",
        "X",
      ];
      const rest = ["--from", "x@mail.test", "--host", "smtp.mail.test", "--json"];
      expect(failure(run(...args, ...rest, "--port", "abc"))).toContain("port");
      expect(failure(run(...args, "--from", "nope", "--host", "h.test", "--port", "25", "--json"))).toContain(
        "fromEmail",
      );
      const strict = kith(
        [...args, "--from", "x@mail.test", "--host", "127.0.0.1", "--port", "25", "--json"],
        {
          ...env,
          KITH_WEBHOOK_ALLOW_PRIVATE: "false",
        },
      );
      expect(failure(strict)).toContain("host");
      expect(json(run("email-connection", "list", "--workspace", "mail-co", "--json"))).toHaveLength(1);
    });

    it("kith worker and kith serve send queued email", async () => {
      const config = loadConfig({ ...env, PORT: "0", KITH_LOG_LEVEL: "silent" });
      const worker = await startWorker(config);
      try {
        await queueOutboundEmail(
          worker.runtime.core,
          { workspaceId, actor: "test" },
          { connectionId: connection.id, to: "w@example.org", subject: "From the worker", html: "<p>w</p>" },
        );
        await waitFor(() => sink.received.length === 1);
      } finally {
        await worker.close();
      }
      expect(sink.received.map((mail) => mail.headers.subject)).toEqual(["From the worker"]);

      const server = await startServer(config);
      try {
        await queueOutboundEmail(
          server.runtime.core,
          { workspaceId, actor: "test" },
          { connectionId: connection.number, to: "s@example.org", subject: "From serve", html: "<p>s</p>" },
        );
        await waitFor(() => sink.received.length === 2);
      } finally {
        await server.close();
      }
      expect(sink.received.map((mail) => mail.headers.subject)).toEqual(["From the worker", "From serve"]);
      expect(sink.logins.every(([user, pass]) => user === "sales" && pass === PASSWORD)).toBe(true);
    });
  });
}
