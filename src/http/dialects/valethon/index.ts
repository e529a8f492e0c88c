/**
 * The Valethon dialect (seeds/000), Kith's primary API: an encapsulated plugin with its own
 * credential (`X-API-Key`), error body, not-found answer and OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isPublicKeyType } from "../../../core/keys/permissions.js";
import { answerErrorsWith, toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps, limitVisitor } from "../../guard.js";
import { activitiesRoutes } from "./activities.routes.js";
import { chatBotRoutes } from "./chat-bot.routes.js";
import { contactsRoutes } from "./contacts.routes.js";
import type { ValethonApp, ValethonDeps } from "./context.js";
import { conversationsRoutes } from "./conversations.routes.js";
import { customFieldsRoutes } from "./custom-fields.routes.js";
import { dashboardRoutes } from "./dashboard.routes.js";
import { emailConnectionsRoutes } from "./email-connections.routes.js";
import { errorBody } from "./envelope.js";
import { valethonError } from "./errors.js";
import { eventsRoutes } from "./events.routes.js";
import { leadActivitiesRoutes } from "./lead-activities.routes.js";
import { leadConversionRoutes } from "./lead-conversion.routes.js";
import { leadsRoutes } from "./leads.routes.js";
import { marketingListsRoutes } from "./marketing-lists.routes.js";
import { notesRoutes } from "./notes.routes.js";
import { opportunitiesRoutes } from "./opportunities.routes.js";
import { outboundEmailsRoutes } from "./outbound-emails.routes.js";
import { pipelinesRoutes } from "./pipelines.routes.js";
import { prospectsRoutes } from "./prospects.routes.js";
import { searchRoutes } from "./search.routes.js";
import { serviceStatusRoutes } from "./service-status.routes.js";
import { type WebhookRouteDeps, webhooksRoutes } from "./webhooks.routes.js";
import { widgetRoutes } from "./widget.routes.js";
import { applyWidgetCors } from "./widget-cors.js";

export interface ValethonPluginOptions extends ValethonDeps, WebhookRouteDeps {
  readonly guard: GuardDeps;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, code, message } = valethonError(problem);
  return reply
    .code(status)
    .type("application/json")
    .send(errorBody(code, message, request.id));
}

/**
 * The presented key: the X-API-Key header, or the `key` query parameter on routes that allow it
 * (EventSource cannot send headers). Only a public key may travel in a URL: a secret key there
 * would end up in browser histories and proxy logs, so it is treated as no key at all.
 */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined || !request.routeOptions.config.keyInQuery) return value;
  const key = (request.query as Record<string, unknown> | undefined)?.key;
  return typeof key === "string" && PUBLIC_KEY_PREFIX.test(key) ? key : undefined;
}

const PUBLIC_KEY_PREFIX = /^pk_(live|test)_/;

/** Whom a widget request counts against: its session when it names one, else the client's address. */
function visitorOf(request: FastifyRequest): string {
  const field = (part: unknown) => (part as Record<string, unknown> | null | undefined)?.session_id;
  const session = [field(request.body), field(request.query)].find((value) => typeof value === "string");
  return typeof session === "string" && session.length <= 100 ? `session:${session}` : `ip:${request.ip}`;
}

export async function valethonPlugin(
  instance: FastifyInstance,
  options: ValethonPluginOptions,
): Promise<void> {
  const app = instance as unknown as ValethonApp;

  app.addHook("onRequest", async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.preflight) return;
    await authenticate(options.guard, request, reply, presentedKey(request));
    authorize(request);
    if (config.widget) applyWidgetCors(request, reply);
  });
  // A public key's visitor is known from the session id, which may be in the body: counted once parsed.
  app.addHook("preValidation", async (request, reply) => {
    const principal = request.principal;
    if (request.routeOptions.config.widget && principal && isPublicKeyType(principal.type)) {
      await limitVisitor(options.guard, request, reply, visitorOf(request));
    }
  });

  answerErrorsWith(app, sendError);

  await leadsRoutes(app, options);
  await activitiesRoutes(app, options);
  await leadActivitiesRoutes(app, options);
  await leadConversionRoutes(app, options);
  await notesRoutes(app, options);
  await contactsRoutes(app, options);
  await prospectsRoutes(app, options);
  await opportunitiesRoutes(app, options);
  await pipelinesRoutes(app, options);
  await customFieldsRoutes(app, options);
  await searchRoutes(app, options);
  await webhooksRoutes(app, options);
  await emailConnectionsRoutes(app, options);
  await outboundEmailsRoutes(app, options);
  await eventsRoutes(app, options);
  await widgetRoutes(app, options);
  await chatBotRoutes(app, options);
  await conversationsRoutes(app, options);
  await serviceStatusRoutes(app, options);
  await marketingListsRoutes(app, options);
  await dashboardRoutes(app, options);
}
