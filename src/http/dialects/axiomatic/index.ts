/**
 * The Axiomatic dialect (seeds/003): the entity-scoped CRM API. An encapsulated plugin with its
 * own credential (`Authorization: Bearer` or `x-api-key`), entity check, error body
 * (`{"error": "…"}`), not-found answer and OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../../core/errors.js";
import { isPublicKeyType } from "../../../core/keys/permissions.js";
import { answerErrorsWith, toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps } from "../../guard.js";
import { activitiesRoutes } from "./activities.routes.js";
import { companiesRoutes } from "./companies.routes.js";
import { contactsRoutes } from "./contacts.routes.js";
import { type AxiomaticApp, type AxiomaticDeps, checkEntity } from "./context.js";
import { dashboardRoutes } from "./dashboard.routes.js";
import { axiomaticError } from "./errors.js";
import { leadsRoutes } from "./leads.routes.js";
import { membershipsRoutes } from "./memberships.routes.js";
import { outboundEmailRoutes } from "./outbound-email.routes.js";
import { pipelineStagesRoutes } from "./pipeline-stages.routes.js";
import { prospectingRoutes } from "./prospecting.routes.js";

export interface AxiomaticPluginOptions extends AxiomaticDeps {
  readonly guard: GuardDeps;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, message } = axiomaticError(problem);
  return reply.code(status).type("application/json").send({ error: message });
}

/** The presented key: `Authorization: Bearer <key>`, else the older `x-api-key` header. */
function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const header = request.headers["x-api-key"];
  return Array.isArray(header) ? header[0] : header;
}

export async function axiomaticPlugin(
  instance: FastifyInstance,
  options: AxiomaticPluginOptions,
): Promise<void> {
  const app = instance as unknown as AxiomaticApp;

  app.addHook("onRequest", async (request, reply) => {
    const principal = await authenticate(options.guard, request, reply, presentedKey(request));
    if (isPublicKeyType(principal.type)) {
      throw new CoreError("FORBIDDEN", "public keys cannot call this API; use a secret key");
    }
    authorize(request);
  });
  // The entity may travel in the JSON body, so it is checked once the body is parsed.
  app.addHook("preValidation", async (request) => {
    if (!request.is404) checkEntity(request);
  });

  answerErrorsWith(app, sendError);

  await companiesRoutes(app, options);
  await contactsRoutes(app, options);
  await membershipsRoutes(app, options);
  await prospectingRoutes(app, options);
  await dashboardRoutes(app, options);
  await activitiesRoutes(app, options);
  await outboundEmailRoutes(app, options);
  await pipelineStagesRoutes(app, options);
  await leadsRoutes(app, options);
}
