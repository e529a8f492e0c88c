/**
 * `kith email-connection create|list`: the mailboxes a workspace sends outbound email through.
 * The password is sealed with the server secret as it is stored and is never printed.
 */
import { type Command, Option } from "commander";
import type { Config } from "../config.js";
import { EMAIL_CHANNELS, type EmailConnection } from "../core/email/email.types.js";
import { createEmailConnection, listEmailConnections } from "../core/email/email-connections.service.js";
import { ensureServerSecret } from "../core/settings.js";
import { getWorkspaceBySlug } from "../core/workspaces/workspaces.service.js";
import type { Runtime } from "../runtime.js";
import { type Output, print, table } from "./output.js";

export interface CommandHelpers {
  withRuntime<T>(action: (runtime: Runtime, config: Config) => Promise<T>): Promise<T>;
  output(command: Command): Output;
}

const shown = (connection: EmailConnection) => ({
  id: connection.id,
  number: connection.number,
  channel: connection.channel,
  name: connection.name,
  from_email: connection.fromEmail,
  from_name: connection.fromName,
  host: connection.host,
  port: connection.port,
  secure: connection.secure,
  username: connection.username,
  has_password: connection.hasPassword,
  status: connection.status,
  created_at: connection.createdAt,
});

export function addEmailConnectionCommands(program: Command, { withRuntime, output }: CommandHelpers): void {
  const group = program
    .command("email-connection")
    .description("manage the mailboxes outbound email is sent through (SMTP)");
  group
    .command("create")
    .description("add an SMTP connection to a workspace")
    .requiredOption("--workspace <slug>", "workspace slug")
    .addOption(
      new Option("--channel <channel>", "where the mailbox lives")
        .choices(EMAIL_CHANNELS)
        .makeOptionMandatory(),
    )
    .requiredOption("--name <name>", "a label for the connection")
    .requiredOption("--from <email>", "the From address")
    .option("--from-name <name>", "the From display name")
    .requiredOption("--host <host>", "SMTP server host name or address")
    .requiredOption("--port <port>", "SMTP server port (465: TLS; 587 or 25: STARTTLS when offered)")
    .option("--secure", "TLS from the first byte (default: only for port 465)")
    .option("--username <user>", "SMTP login")
    .option("--password <password>", "SMTP password (stored encrypted, never shown)")
    .action(async (options, command) => {
      const created = await withRuntime(async ({ core }, config) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return createEmailConnection(
          core,
          { workspaceId: ws.id, actor: "cli" },
          {
            serverSecret: await ensureServerSecret(core, config.secret),
            allowPrivate: config.webhookAllowPrivate,
          },
          {
            channel: options.channel,
            name: options.name,
            fromEmail: options.from,
            fromName: options.fromName,
            host: options.host,
            port: /^\d+$/.test(options.port) ? Number(options.port) : Number.NaN,
            secure: options.secure,
            username: options.username,
            password: options.password,
          },
        );
      });
      print(
        output(command),
        shown(created),
        () => `created email connection ${created.number} (${created.id})`,
      );
    });
  group
    .command("list")
    .description("list a workspace's email connections")
    .requiredOption("--workspace <slug>", "workspace slug")
    .action(async (options, command) => {
      const connections = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return listEmailConnections(core, { workspaceId: ws.id, actor: "cli" });
      });
      const rows = connections.map(shown);
      print(output(command), rows, () =>
        table(rows, ["number", "channel", "name", "from_email", "host", "port", "status"]),
      );
    });
}
