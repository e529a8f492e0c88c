/**
 * The Valethon dialect (seeds/000), Kith's primary API: an encapsulated plugin with its own
 * credential (`X-API-Key`), error body, not-found answer and OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../../core/errors.js";
import { toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps } from "../../guard.js";
import { activitiesRoutes } from "./activities.routes.js";
import { contactsRoutes } from "./contacts.routes.js";
import type { ValethonApp, ValethonDeps } from "./context.js";
import { customFieldsRoutes } from "./custom-fields.routes.js";
import { errorBody } from "./envelope.js";
import { valethonError } from "./errors.js";
import { eventsRoutes } from "./events.routes.js";
import { leadActivitiesRoutes } from "./lead-activities.routes.js";
import { leadConversionRoutes } from "./lead-conversion.routes.js";
import { leadsRoutes } from "./leads.routes.js";
import { notesRoutes } from "./notes.routes.js";
import { opportunitiesRoutes } from "./opportunities.routes.js";
import { pipelinesRoutes } from "./pipelines.routes.js";
import { prospectsRoutes } from "./prospects.routes.js";
import { searchRoutes } from "./search.routes.js";
import { type WebhookRouteDeps, webhooksRoutes } from "./webhooks.routes.js";

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

export async function valethonPlugin(
  instance: FastifyInstance,
  options: ValethonPluginOptions,
): Promise<void> {
  const app = instance as unknown as ValethonApp;

  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers["x-api-key"];
    await authenticate(options.guard, request, reply, Array.isArray(header) ? header[0] : header);
    authorize(request);
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new CoreError("NOT_FOUND", `no endpoint ${request.method} ${request.url.split("?")[0]}`),
    ),
  );

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
  await eventsRoutes(app, options);
}
