/**
 * Builds the Fastify application. Tests call it and use `inject` (no port opened); the server
 * command adds listening and shutdown around it.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import type { Core } from "../core/core.js";
import { axiomaticPlugin } from "./dialects/axiomatic/index.js";
import { crmleadproPlugin } from "./dialects/crmleadpro/index.js";
import { devapiPlugin } from "./dialects/devapi/index.js";
import { epixelPlugin } from "./dialects/epixel/index.js";
import { valethonPlugin } from "./dialects/valethon/index.js";
import { type DocumentedDialect, registerDocs } from "./docs.js";
import { inboxPlugin } from "./inbox/index.js";
import type { Metrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limit/rate-limiter.js";
import { closeEventStreams } from "./sse.js";
import { registerUnsubscribe } from "./unsubscribe.js";
import { validatorCompiler } from "./validation.js";
import { registerWidgetAssets } from "./widget-asset.js";

export interface AppOptions {
  config: Config;
  core: Core;
  limiter: RateLimiter;
  metrics: Metrics;
  /** The process's logger; none means no logging (tests). */
  logger?: FastifyBaseLogger;
  /** Readiness probe; defaults to answering without checking anything. */
  ready?: () => Promise<void>;
  /** Called when a write request (not GET/HEAD/OPTIONS) has succeeded: new events may be waiting. */
  afterWrite?: () => void;
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Which API surface a route belongs to, for metrics. */
    dialect?: string;
  }
  interface FastifyRequest {
    startedAt?: bigint;
  }
}

const DIALECT_DOCS: Record<string, Omit<DocumentedDialect, "prefix">> = {
  valethon: {
    name: "valethon",
    title: "Valethon CRM API (Kith's primary API)",
    description:
      "Leads, contacts, prospects, opportunities, activities, notes and more. Authenticate with `X-API-Key: crm_…`. " +
      "Errors: `{success:false, error, code}`.",
  },
  axiomatic: {
    name: "axiomatic",
    title: "Axiomatic CRM HTTP API (entity-scoped)",
    description:
      "Companies, contacts, memberships, the lead board (pipeline stages, leads, timelines), activities, tasks, the " +
      "dashboard, marketing lists and outbound email of one entity (workspace). Authenticate with " +
      "`Authorization: Bearer ak_…` (or `x-api-key`) and name the entity with `entityId` (query `entityId`/`entity_id`, " +
      "header `x-entity-id`, or JSON body `entityId`, in that order). Errors: `{error}`.",
  },
  devapi: {
    name: "devapi",
    title: "Developer API (companies, contacts, conversations)",
    description:
      "All companies, contacts and website-chat conversations of the workspace, each as one bare JSON array " +
      "streamed in keyset batches. Authenticate with `Authorization: Bearer <secret key>` (printed as `dk_…`). " +
      "Ids are UUIDs. Errors: `{error}`.",
  },
  crmleadpro: {
    name: "crmleadpro",
    title: "CRMLead Pro API",
    description:
      "Leads (with history, archive and restore), pipelines, deals, contacts, email and WhatsApp campaigns, " +
      "pipeline analytics and webhooks. Authenticate with " +
      "`Authorization: Bearer crmlp_live_…`. Ids are `<type>_<ULID>`. Errors: `{error: {code, message, field}}`.",
  },
  epixel: {
    name: "epixel",
    title: "Epixel Leads & CRM API",
    description:
      "Leads by slug (list, details, create, update, delete), lead notes, appointments and the lead overview. Every " +
      "call sends `apikey: <secret key>`; all but `user/login/` and `user/token/refresh/` also send " +
      "`Authorization: Bearer <access JWT>` from `user/login/`. Writes take multipart/form-data, urlencoded or JSON. " +
      "Answers `{status_code, errors, data}`.",
  },
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, core, limiter, metrics } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    // Path parameters up to 1 KiB: campaign unsubscribe tokens carry their address and signature.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
  });
  app.setValidatorCompiler(validatorCompiler);

  app.addHook("onRequest", async (request, reply) => {
    request.startedAt = process.hrtime.bigint();
    reply.header("x-request-id", request.id);
  });
  // Event streams are never idle, so they are ended explicitly before the server closes.
  app.addHook("preClose", async () => closeEventStreams(app.server));
  app.addHook("onResponse", async (request, reply) => {
    const dialect = request.routeOptions.config.dialect ?? "none";
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ dialect, route, status: reply.statusCode });
    if (request.startedAt !== undefined) {
      metrics.duration.observe({ dialect, route }, Number(process.hrtime.bigint() - request.startedAt) / 1e9);
    }
    if (options.afterWrite && reply.statusCode < 400 && !READ_METHODS.has(request.method))
      options.afterWrite();
  });

  const mounted: DocumentedDialect[] = [];
  const valethonPrefix = config.mounts.valethon;
  if (valethonPrefix !== null) mounted.push({ ...DIALECT_DOCS.valethon!, prefix: valethonPrefix });
  const axiomaticPrefix = config.mounts.axiomatic;
  if (axiomaticPrefix !== null) mounted.push({ ...DIALECT_DOCS.axiomatic!, prefix: axiomaticPrefix });
  const devapiPrefix = config.mounts.devapi;
  if (devapiPrefix !== null) mounted.push({ ...DIALECT_DOCS.devapi!, prefix: devapiPrefix });
  const crmleadproPrefix = config.mounts.crmleadpro;
  if (crmleadproPrefix !== null) mounted.push({ ...DIALECT_DOCS.crmleadpro!, prefix: crmleadproPrefix });
  const epixelPrefix = config.mounts.epixel;
  if (epixelPrefix !== null) mounted.push({ ...DIALECT_DOCS.epixel!, prefix: epixelPrefix });
  await registerDocs(app, mounted);

  app.get("/healthz", { schema: { summary: "Liveness: the process answers" } }, async () => ({
    status: "ok",
  }));
  app.get("/readyz", { schema: { summary: "Readiness: the database answers" } }, async (request, reply) => {
    try {
      await (options.ready ?? (async () => {}))();
      return { status: "ready" };
    } catch (error) {
      request.log.warn({ err: error }, "readiness check failed");
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  app.get("/metrics", { schema: { summary: "Prometheus metrics" } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const guard = {
    verify: (key: string) => core.keys.verify(key),
    limiter,
    widgetKeyCeiling: config.widgetKeyCeiling,
  };
  if (valethonPrefix !== null) {
    await app.register(
      async (instance) => {
        instance.addHook("onRoute", (route) => {
          route.config = { ...(route.config as object), dialect: "valethon" };
        });
        await valethonPlugin(instance, {
          core,
          guard,
          webhooks: { configuredSecret: config.secret, allowPrivate: config.webhookAllowPrivate },
        });
      },
      { prefix: valethonPrefix },
    );
    // The website chat's script and demo page talk to the Valethon widget routes.
    await registerWidgetAssets(app, { valethonMount: valethonPrefix });
  }

  if (axiomaticPrefix !== null) {
    await app.register(
      async (instance) => {
        instance.addHook("onRoute", (route) => {
          route.config = { ...(route.config as object), dialect: "axiomatic" };
        });
        await axiomaticPlugin(instance, { core, guard });
      },
      { prefix: axiomaticPrefix },
    );
  }

  if (devapiPrefix !== null) {
    await app.register(
      async (instance) => {
        instance.addHook("onRoute", (route) => {
          route.config = { ...(route.config as object), dialect: "devapi" };
        });
        await devapiPlugin(instance, { core, guard, registry: metrics.registry });
      },
      { prefix: devapiPrefix },
    );
  }

  if (crmleadproPrefix !== null) {
    await app.register(
      async (instance) => {
        instance.addHook("onRoute", (route) => {
          route.config = { ...(route.config as object), dialect: "crmleadpro" };
        });
        await crmleadproPlugin(instance, {
          core,
          guard,
          webhooks: { configuredSecret: config.secret, allowPrivate: config.webhookAllowPrivate },
        });
      },
      { prefix: crmleadproPrefix },
    );
  }

  if (epixelPrefix !== null) {
    await app.register(
      async (instance) => {
        instance.addHook("onRoute", (route) => {
          route.config = { ...(route.config as object), dialect: "epixel" };
        });
        await epixelPlugin(instance, { core, guard, configuredSecret: config.secret });
      },
      { prefix: epixelPrefix },
    );
  }

  // The unsubscribe link of campaign emails (public; the signed token is the credential).
  await registerUnsubscribe(app, { core, configuredSecret: config.secret });

  // The agents' web inbox (page, JSON API and live stream), with its own cookie session.
  await app.register(async (instance) => inboxPlugin(instance, { core, limiter }), { prefix: "/inbox" });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "Not Found", request_id: request.id }),
  );
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return reply.code(status).send({ error: (error as Error).message, request_id: request.id });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "Internal Server Error", request_id: request.id });
  });
  return app;
}
