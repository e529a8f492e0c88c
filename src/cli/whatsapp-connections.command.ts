/**
 * `kith whatsapp-connection create|list`: the WhatsApp numbers a workspace broadcasts campaigns
 * from, through a provider speaking the WhatsApp Cloud API messages call. The token is sealed with
 * the server secret as it is stored and is never printed.
 */
import type { Command } from "commander";
import type { WhatsAppConnection } from "../core/campaigns/campaign.types.js";
import {
  createWhatsAppConnection,
  listWhatsAppConnections,
} from "../core/campaigns/whatsapp-connections.service.js";
import { ensureServerSecret } from "../core/settings.js";
import { getWorkspaceBySlug } from "../core/workspaces/workspaces.service.js";
import type { CommandHelpers } from "./email-connections.command.js";
import { print, table } from "./output.js";

const shown = (connection: WhatsAppConnection) => ({
  id: connection.id,
  number: connection.number,
  name: connection.name,
  base_url: connection.baseUrl,
  phone_number_id: connection.phoneNumberId,
  has_token: connection.hasToken,
  status: connection.status,
  created_at: connection.createdAt,
});

export function addWhatsAppConnectionCommands(
  program: Command,
  { withRuntime, output }: CommandHelpers,
): void {
  const group = program
    .command("whatsapp-connection")
    .description("manage the WhatsApp numbers campaigns are sent from (WhatsApp Cloud API)");
  group
    .command("create")
    .description("add a WhatsApp connection to a workspace")
    .requiredOption("--workspace <slug>", "workspace slug")
    .requiredOption("--name <name>", "a label for the connection")
    .option("--base-url <url>", "the provider's API base", "https://graph.facebook.com/v20.0")
    .requiredOption("--phone-number-id <id>", "the sending number's id at the provider")
    .requiredOption("--token <token>", "the provider's bearer token (stored encrypted, never shown)")
    .action(async (options, command) => {
      const created = await withRuntime(async ({ core }, config) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return createWhatsAppConnection(
          core,
          { workspaceId: ws.id, actor: "cli" },
          {
            serverSecret: await ensureServerSecret(core, config.secret),
            allowPrivate: config.webhookAllowPrivate,
          },
          {
            name: options.name,
            baseUrl: options.baseUrl,
            phoneNumberId: options.phoneNumberId,
            token: options.token,
          },
        );
      });
      print(
        output(command),
        shown(created),
        () => `created WhatsApp connection ${created.number} (${created.id})`,
      );
    });
  group
    .command("list")
    .description("list a workspace's WhatsApp connections")
    .requiredOption("--workspace <slug>", "workspace slug")
    .action(async (options, command) => {
      const connections = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return listWhatsAppConnections(core, { workspaceId: ws.id, actor: "cli" });
      });
      const rows = connections.map(shown);
      print(output(command), rows, () =>
        table(rows, ["number", "name", "phone_number_id", "base_url", "status"]),
      );
    });
}
