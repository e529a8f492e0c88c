/**
 * The Developer API dialect (seeds/001): companies, contacts and chat conversations, each listed
 * whole as a bare JSON array, at `/devapi/api/v1`. An encapsulated plugin with its own credential
 * (`Authorization: Bearer <secret key>`), error body (`{"error": "…"}`) and OpenAPI document; the
 * shared per-key rate limits apply.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Counter, type Registry } from "prom-client";
import type { Core } from "../../../core/core.js";
import { CoreError } from "../../../core/errors.js";
import { isPublicKeyType } from "../../../core/keys/permissions.js";
import { answerErrorsWith, toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps } from "../../guard.js";
import type { TypeBoxApp } from "../../schema-helpers.js";
import { devapiError } from "./errors.js";
import { devapiRoutes } from "./routes.js";

export interface DevApiPluginOptions {
  readonly core: Core;
  readonly guard: GuardDeps;
  /** Where the batches metric is registered; none: not counted. */
  readonly registry?: Registry;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error);
  if (problem.unexpected) request.log.error({ err: problem.unexpected }, "request failed");
  const { status, body } = devapiError(problem);
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

function presentedKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  return match?.[1];
}

export async function devapiPlugin(instance: FastifyInstance, options: DevApiPluginOptions) {
  const app = instance as unknown as TypeBoxApp;
  const registers = options.registry ? [options.registry] : [];
  const batches = new Counter({
    name: "kith_devapi_list_batches_total",
    help: "Keyset batch queries run for Developer API list downloads, by list",
    labelNames: ["list"],
    registers,
  });
  const downloads = new Counter({
    name: "kith_devapi_list_downloads_total",
    help: "Developer API list downloads by list and outcome (complete, aborted by the client, failed)",
    labelNames: ["list", "outcome"],
    registers,
  });
  app.addHook("onRequest", async (request, reply) => {
    const principal = await authenticate(options.guard, request, reply, presentedKey(request));
    if (isPublicKeyType(principal.type)) {
      throw new CoreError("FORBIDDEN", "public keys cannot call this API; use a secret key");
    }
    authorize(request);
  });
  answerErrorsWith(app, sendError);
  await devapiRoutes(app, {
    core: options.core,
    hooksOf: (list) => ({
      onBatch: () => batches.inc({ list }),
      onEnd: (outcome) => downloads.inc({ list, outcome }),
    }),
  });
}
