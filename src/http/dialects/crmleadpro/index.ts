/**
 * The CRMLead Pro dialect (seeds/002): leads with history and archive, pipelines, deals, contacts
 * and pipeline analytics, at `/api/v1`. An encapsulated plugin with its own credential
 * (`Authorization: Bearer`), rate limits (the document's: 1,000 requests a minute on the `growth`
 * plan, 5,000 on `pro`, unless the key sets its own), error body and OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../../../core/errors.js";
import type { KeyPrincipal } from "../../../core/keys/key-verifier.js";
import { isPublicKeyType } from "../../../core/keys/permissions.js";
import { answerErrorsWith, toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps } from "../../guard.js";
import { analyticsRoutes } from "./analytics.routes.js";
import { campaignsRoutes } from "./campaigns.routes.js";
import { contactsRoutes } from "./contacts.routes.js";
import type { CrmLeadProApp, CrmLeadProDeps } from "./context.js";
import { dealsRoutes } from "./deals.routes.js";
import { crmleadproError } from "./errors.js";
import { leadsRoutes } from "./leads.routes.js";
import { pipelinesRoutes } from "./pipelines.routes.js";
import { webhooksRoutes } from "./webhooks.routes.js";

export interface CrmLeadProPluginOptions extends CrmLeadProDeps {
  readonly guard: GuardDeps;
}

/** The document's per-plan limits, in requests per minute. */
export const PLAN_RATE_LIMITS: Readonly<Record<string, number>> = { growth: 1_000, pro: 5_000 };
const planLimit = (principal: KeyPrincipal) => PLAN_RATE_LIMITS[principal.plan] ?? PLAN_RATE_LIMITS.growth!;

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, body } = crmleadproError(problem);
  return reply.code(status).type("application/json").send(body);
}

function presentedKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  return match?.[1];
}

export async function crmleadproPlugin(instance: FastifyInstance, options: CrmLeadProPluginOptions) {
  const app = instance as unknown as CrmLeadProApp;
  app.addHook("onRequest", async (request, reply) => {
    const principal = await authenticate(options.guard, request, reply, presentedKey(request), planLimit);
    if (isPublicKeyType(principal.type)) {
      throw new CoreError("FORBIDDEN", "public keys cannot call this API; use a secret key");
    }
    authorize(request);
  });
  answerErrorsWith(app, sendError);

  await leadsRoutes(app, options);
  await pipelinesRoutes(app, options);
  await dealsRoutes(app, options);
  await contactsRoutes(app, options);
  await campaignsRoutes(app, options);
  await analyticsRoutes(app, options);
  await webhooksRoutes(app, options);
}
