/**
 * The Epixel dialect (seeds/004): leads by slug, lead notes, appointments and the overview, at
 * `/epixel/api/v1`. Every call carries `apikey: <secret key>` (verified and rate-limited like every
 * dialect); every call but login and token refresh also carries `Authorization: Bearer <access JWT>`
 * naming the acting user. Writes accept multipart/form-data (fields only), urlencoded and JSON.
 * Answers use the document's envelope `{"status_code", "errors", "data"}`.
 */
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Core } from "../../../core/core.js";
import { CoreError, isCoreError } from "../../../core/errors.js";
import { isPublicKeyType } from "../../../core/keys/permissions.js";
import { serverSecretOf } from "../../../core/settings.js";
import { toProblem } from "../../errors.js";
import { authenticate, authorize, type GuardDeps } from "../../guard.js";
import { appointmentRoutes } from "./appointments.routes.js";
import { authRoutes, bearerUser } from "./auth.routes.js";
import { EpixelError, errorBody } from "./envelope.js";
import { leadsRoutes } from "./leads.routes.js";
import { notesRoutes } from "./notes.routes.js";
import { overviewRoutes } from "./overview.routes.js";
import { jwtKeyOf } from "./tokens.js";

export interface EpixelPluginOptions {
  readonly core: Core;
  readonly guard: GuardDeps;
  /** KITH_SECRET when configured; otherwise the generated server secret kept in the database. */
  readonly configuredSecret: string | undefined;
}

/** Small limits: Epixel's bodies are a handful of short fields. */
const MULTIPART_LIMITS = { fields: 50, fieldSize: 16 * 1024, files: 0, fileSize: 0, parts: 60 };

const DETAIL = {
  apikey: "Invalid or missing apikey.",
  public: "Public keys cannot call this API; use a secret key.",
  rate: "Request was throttled.",
  notFound: "Not found.",
  server: "A server error occurred.",
} as const;

function toEnvelopeError(error: unknown): { error: EpixelError; unexpected?: unknown } {
  if (error instanceof EpixelError) return { error };
  if (isCoreError(error)) {
    switch (error.code) {
      case "UNAUTHENTICATED":
        return { error: new EpixelError(401, { detail: DETAIL.apikey }) };
      case "FORBIDDEN":
        return { error: new EpixelError(403, { detail: error.detail }) };
      case "RATE_LIMITED":
        return { error: new EpixelError(429, { detail: `${DETAIL.rate} ${error.detail}.` }) };
      case "NOT_FOUND":
        return { error: new EpixelError(404, { detail: DETAIL.notFound }) };
      default:
        return { error: new EpixelError(400, { [error.field ?? "non_field_errors"]: [error.detail] }) };
    }
  }
  const code = (error as { code?: string })?.code ?? "";
  if (code.startsWith("FST_FILES_LIMIT") || code.startsWith("FST_REQ_FILE_TOO_LARGE")) {
    return { error: new EpixelError(400, { detail: "File uploads are not accepted." }) };
  }
  if (code.startsWith("FST_") && (error as { statusCode?: number }).statusCode === 413) {
    return { error: new EpixelError(413, { detail: "Request body is too large." }) };
  }
  const problem = toProblem(error);
  if (problem.code === "SERVER_ERROR") {
    return { error: new EpixelError(500, { detail: DETAIL.server }), unexpected: problem.unexpected };
  }
  if (problem.code === "UNSUPPORTED_MEDIA_TYPE") {
    return {
      error: new EpixelError(415, {
        detail: "Unsupported media type; send multipart/form-data, urlencoded or JSON.",
      }),
    };
  }
  if (problem.code === "PAYLOAD_TOO_LARGE")
    return { error: new EpixelError(413, { detail: problem.detail }) };
  return { error: new EpixelError(400, { detail: "Malformed request body." }) };
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const { error: rendered, unexpected } = toEnvelopeError(error);
  if (unexpected) request.log.error({ err: unexpected }, "request failed");
  return reply.code(rendered.status).type("application/json").send(errorBody(rendered));
}

/** Flattens any parsed body to `Record<string, string>` (absent or non-object: `{}`). */
function flatBody(body: unknown): Record<string, string> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return {};
  const flat: Record<string, string> = {};
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    flat[key] =
      value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value as string);
  }
  return flat;
}

export async function epixelPlugin(app: FastifyInstance, options: EpixelPluginOptions) {
  const { core } = options;
  let jwtKey: Buffer | undefined;
  const keyOf = async () => {
    jwtKey ??= jwtKeyOf(await serverSecretOf(core, options.configuredSecret));
    return jwtKey;
  };

  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, { attachFieldsToBody: "keyValues", limits: MULTIPART_LIMITS });

  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.apikey;
    const principal = await authenticate(
      options.guard,
      request,
      reply,
      typeof header === "string" ? header : undefined,
    );
    if (isPublicKeyType(principal.type)) throw new CoreError("FORBIDDEN", DETAIL.public);
    authorize(request);
    if (request.routeOptions.config.epixelPublic) return;
    request.epixelUser = await bearerUser(core, request, principal.workspaceId, await keyOf());
  });
  app.addHook("preHandler", async (request) => {
    request.body = flatBody(request.body);
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new EpixelError(404, { detail: DETAIL.notFound })),
  );

  await authRoutes(app, { core, jwtKey: keyOf });
  await overviewRoutes(app, { core });
  await leadsRoutes(app, { core });
  await notesRoutes(app, { core });
  await appointmentRoutes(app, { core });
}
