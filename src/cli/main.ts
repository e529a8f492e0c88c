/**
 * The `kith` command. Every command takes --json and then prints exactly one JSON document on
 * stdout; errors go to stderr as one line with a non-zero exit.
 */
import { Presets, SingleBar } from "cli-progress";
import { Command, Option } from "commander";
import { type Config, ConfigError, loadConfig } from "../config.js";
import { generateDemoData } from "../core/demo/demo-data.js";
import { isCoreError } from "../core/errors.js";
import { KEY_FORMATS } from "../core/keys/key-format.js";
import { createKey, listKeys, setKeyStatus } from "../core/keys/keys.service.js";
import { KEY_TYPES } from "../core/keys/permissions.js";
import {
  deleteComponent,
  getServiceStatus,
  setComponentStatus,
} from "../core/service-status/service-status.service.js";
import { COMPONENT_STATUSES, type ServiceComponent } from "../core/service-status/service-status.types.js";
import { createUser, USER_ROLES } from "../core/users/users.service.js";
import { setWorkspaceTimeZone } from "../core/workspaces/workspace-time-zone.js";
import {
  createWorkspace,
  getWorkspaceBySlug,
  listWorkspaces,
  setWorkspacePlan,
} from "../core/workspaces/workspaces.service.js";
import { startWorker } from "../jobs/worker.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { startServer } from "../server.js";
import { addEmailConnectionCommands } from "./email-connections.command.js";
import { type Output, print, table } from "./output.js";
import { addWhatsAppConnectionCommands } from "./whatsapp-connections.command.js";

class UsageError extends Error {}

const list = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

function positiveInteger(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
    return Number(value);
  };
}

/** Runs a data command on an open runtime, closing it whatever happens. */
async function withRuntime<T>(action: (runtime: Runtime, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  try {
    return await action(runtime, config);
  } finally {
    await runtime.close();
  }
}

const output = (command: Command): Output => ({ json: Boolean(command.optsWithGlobals().json) });

export function buildProgram(): Command {
  const program = new Command("kith")
    .description("Kith: a self-hosted, multi-tenant CRM server")
    .option("--json", "print exactly one JSON document on stdout")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("serve")
    .description("run the HTTP API and the in-process worker (webhook delivery)")
    .option("--port <n>", "port to listen on (default: PORT or 3000)")
    .option("--host <h>", "address to listen on (default: HOST or 127.0.0.1)")
    .action(async (options, command) => {
      const env = { ...process.env };
      if (options.port !== undefined) env.PORT = options.port;
      if (options.host !== undefined) env.HOST = options.host;
      const config = loadConfig(env);
      const server = await startServer(config, { handleSignals: true });
      const json = output(command).json;
      // The widget demo page needs the Valethon widget routes and a public key to embed.
      const demo =
        server.bootstrapped && config.mounts.valethon !== null
          ? `${server.url}/widget/demo?key=${encodeURIComponent(server.bootstrapped.publicKey)}`
          : null;
      const info = {
        url: server.url,
        api: `${server.url}${config.mounts.valethon ?? ""}`,
        docs: `${server.url}/docs`,
        ...(demo ? { demo } : {}),
        bootstrap: server.bootstrapped
          ? {
              workspace: server.bootstrapped.workspace.slug,
              secret_key: server.bootstrapped.secretKey,
              public_key: server.bootstrapped.publicKey,
            }
          : null,
      };
      if (json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const lines = [
        `Kith is serving on ${server.url}`,
        `  API (Valethon): ${info.api}`,
        `  API reference:  ${info.docs}`,
        `  Agent inbox:    ${server.url}/inbox`,
      ];
      if (info.bootstrap) {
        lines.push(
          "",
          `First start: created workspace "${info.bootstrap.workspace}". These keys are shown only now; keep them:`,
          `  secret key (server-side, X-API-Key): ${info.bootstrap.secret_key}`,
          `  public widget key (pk_test_):       ${info.bootstrap.public_key}`,
          ...(demo ? [`  chat widget demo:                   ${demo}`] : []),
          "",
          `  Try: curl -H "X-API-Key: ${info.bootstrap.secret_key}" ${info.api}/leads`,
          `  Agents log into the inbox after: npx kith user create --workspace ${info.bootstrap.workspace} --username ann --name Ann --email ann@example.com --password '…'`,
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  program
    .command("worker")
    .description("run only the background worker (webhook delivery, outbound email) until SIGTERM/SIGINT")
    .action(async (_options, command) => {
      const config = loadConfig();
      const worker = await startWorker(config, { handleSignals: true });
      const info = { worker: worker.dispatcher.workerId };
      if (output(command).json) process.stdout.write(`${JSON.stringify(info)}\n`);
      else process.stdout.write(`Kith worker ${info.worker} is delivering webhooks and outbound email\n`);
    });

  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(async (_options, command) => {
      const applied = await withRuntime(async (runtime) => runtime.applied);
      print(output(command), { applied }, () =>
        applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date",
      );
    });

  const workspace = program.command("workspace").description("manage workspaces");
  workspace
    .command("create")
    .description("create a workspace")
    .requiredOption("--name <name>", "display name")
    .option("--slug <slug>", "short name used by the CLI (default: from the name)")
    .action(async (options, command) => {
      const created = await withRuntime(({ core }) =>
        createWorkspace(core, { name: options.name, slug: options.slug }),
      );
      print(output(command), created, () => `created workspace ${created.slug} (${created.id})`);
    });
  workspace
    .command("plan")
    .description("set a workspace's plan: growth (1,000 requests/min on CRMLead Pro) or pro (5,000)")
    .argument("<slug>", "workspace slug")
    .argument("<plan>", "growth or pro")
    .action(async (slug, plan, _options, command) => {
      const updated = await withRuntime(({ core }) => setWorkspacePlan(core, slug, plan));
      print(output(command), updated, () => `workspace ${updated.slug} is on the ${updated.plan} plan`);
    });
  workspace
    .command("time-zone")
    .description("set the IANA time zone a workspace's wall-clock times are given in (Epixel appointments)")
    .argument("<slug>", "workspace slug")
    .argument("<zone>", "IANA time zone, such as Europe/Berlin or UTC")
    .action(async (slug, zone, _options, command) => {
      const updated = await withRuntime(({ core }) => setWorkspaceTimeZone(core, slug, zone));
      print(output(command), updated, () => `workspace ${updated.slug} keeps time in ${updated.timeZone}`);
    });
  workspace
    .command("list")
    .description("list workspaces")
    .action(async (_options, command) => {
      const workspaces = await withRuntime(({ core }) => listWorkspaces(core));
      print(output(command), workspaces, () => table(workspaces as never, ["slug", "name", "id"]));
    });

  const key = program.command("key").description("manage API keys");
  key
    .command("create")
    .description("create an API key (the key is printed only here)")
    .requiredOption("--workspace <slug>", "workspace slug")
    .addOption(new Option("--type <type>", "key type").choices(KEY_TYPES).makeOptionMandatory())
    .addOption(
      new Option("--format <format>", "prefix style of a secret key")
        .choices(KEY_FORMATS)
        .default("valethon"),
    )
    .option("--scopes <list>", "comma-separated permissions (default: every permission of the type)", list)
    .option(
      "--rate-limit <n>",
      "requests per 60 s (default: 120 for a secret key; for a public key, its ceiling over all visitors, default KITH_WIDGET_KEY_CEILING)",
      positiveInteger("--rate-limit"),
    )
    .option("--name <name>", "a label for the key")
    .option("--origins <list>", "allowed browser origins of a public key", list)
    .action(async (options, command) => {
      const created = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return createKey(
          core,
          { workspaceId: ws.id, actor: "cli" },
          {
            type: options.type,
            format: options.format,
            scopes: options.scopes,
            rateLimit: options.rateLimit,
            name: options.name,
            origins: options.origins,
          },
        );
      });
      print(output(command), created, () =>
        [
          `created ${created.type} key ${created.id}`,
          `key: ${created.key}`,
          "(shown only now; Kith keeps only its digest)",
        ].join("\n"),
      );
    });
  key
    .command("list")
    .description("list a workspace's keys")
    .requiredOption("--workspace <slug>", "workspace slug")
    .action(async (options, command) => {
      const keys = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return listKeys(core, { workspaceId: ws.id, actor: "cli" });
      });
      const rows = keys.map(({ id, prefix, type, format, scopes, status, last_used_at }) => ({
        id,
        prefix,
        type,
        format,
        scopes,
        status,
        last_used_at,
      }));
      print(output(command), rows, () =>
        table(rows, ["id", "prefix", "type", "status", "last_used_at", "scopes"]),
      );
    });
  for (const [verb, status] of [
    ["revoke", "revoked"],
    ["suspend", "suspended"],
    ["activate", "active"],
  ] as const) {
    key
      .command(`${verb} <id>`)
      .description(`${verb} a key`)
      .action(async (id, _options, command) => {
        const result = await withRuntime(({ core }) => setKeyStatus(core, id, status));
        print(output(command), result, () => `key ${result.id} is ${result.status}`);
      });
  }

  const user = program.command("user").description("manage users");
  user
    .command("create")
    .description("create a user in a workspace")
    .requiredOption("--workspace <slug>", "workspace slug")
    .requiredOption("--username <u>", "login name")
    .requiredOption("--name <name>", "display name")
    .requiredOption("--email <e>", "email address")
    .option("--password <p>", "password (for logins such as the Epixel API)")
    .addOption(new Option("--role <role>", "role").choices(USER_ROLES).default("agent"))
    .action(async (options, command) => {
      const created = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return createUser(core, { workspaceId: ws.id, actor: "cli" }, options);
      });
      const result = { id: created.id, number: created.number, username: created.username };
      print(
        output(command),
        result,
        () => `created user ${result.username} (number ${result.number}, ${result.id})`,
      );
    });

  const status = program.command("status").description("manage the service status shown in the chat widget");
  const componentOf = (component: ServiceComponent) => ({
    number: component.number,
    name: component.name,
    status: component.status,
    message: component.message,
    updated_at: component.updatedAt,
  });
  status
    .command("set")
    .description("set a component's status, adding the component if the workspace has none of that name")
    .requiredOption("--workspace <slug>", "workspace slug")
    .requiredOption("--component <name>", "component name (case-insensitive)")
    .addOption(new Option("--status <status>", "status").choices(COMPONENT_STATUSES).makeOptionMandatory())
    .option("--message <text>", 'a note shown with the status ("" clears it; absent keeps it)')
    .action(async (options, command) => {
      const component = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return setComponentStatus(
          core,
          { workspaceId: ws.id, actor: "cli" },
          { name: options.component, status: options.status, message: options.message },
        );
      });
      print(output(command), componentOf(component), () => `${component.name} is ${component.status}`);
    });
  status
    .command("list")
    .description("show the overall status and every component")
    .requiredOption("--workspace <slug>", "workspace slug")
    .action(async (options, command) => {
      const current = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return getServiceStatus(core, { workspaceId: ws.id, actor: "cli" });
      });
      const result = {
        status: current.status,
        updated_at: current.updatedAt,
        components: current.components.map(componentOf),
      };
      print(output(command), result, () =>
        [
          `overall: ${result.status}`,
          table(result.components, ["name", "status", "message", "updated_at"]),
        ].join("\n"),
      );
    });
  status
    .command("remove")
    .description("remove a component")
    .requiredOption("--workspace <slug>", "workspace slug")
    .requiredOption("--component <name>", "component name (case-insensitive)")
    .action(async (options, command) => {
      const removed = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        return deleteComponent(core, { workspaceId: ws.id, actor: "cli" }, { name: options.component });
      });
      print(output(command), { ...componentOf(removed), removed: true }, () => `removed ${removed.name}`);
    });

  addEmailConnectionCommands(program, { withRuntime, output });
  addWhatsAppConnectionCommands(program, { withRuntime, output });

  program
    .command("demo")
    .description("fill a workspace with realistic demo data (leads, companies, contacts, deals, activities)")
    .requiredOption("--workspace <slug>", "workspace slug")
    .option("--leads <n>", "how many leads (the rest in proportion)", positiveInteger("--leads"), 1000)
    .action(async (options, command) => {
      const counts = await withRuntime(async ({ core }) => {
        const ws = await getWorkspaceBySlug(core, options.workspace);
        const bar = new SingleBar(
          { stream: process.stderr, format: "demo data [{bar}] {value}/{total} leads  {eta_formatted} left" },
          Presets.shades_classic,
        );
        bar.start(options.leads, 0);
        try {
          return await generateDemoData(core, { workspaceId: ws.id, actor: "cli" }, options.leads, (done) =>
            bar.update(done),
          );
        } finally {
          bar.stop();
        }
      });
      print(
        output(command),
        counts,
        () =>
          `added ${counts.leads} leads, ${counts.contacts} contacts, ${counts.companies} companies, ${counts.opportunities} opportunities`,
      );
    });

  return program;
}

function fail(message: string): never {
  process.stderr.write(`kith: ${message}\n`);
  process.exit(1);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      process.exit(0);
    if (typeof code === "string" && code.startsWith("commander."))
      process.exit((error as { exitCode?: number }).exitCode ?? 1);
    if (error instanceof ConfigError || error instanceof UsageError) fail(error.message);
    if (isCoreError(error)) fail(error.message);
    fail(`unexpected error: ${(error as Error)?.message ?? String(error)}`);
  }
}

await main(process.argv);
