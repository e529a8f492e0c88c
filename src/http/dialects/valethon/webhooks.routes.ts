/**
 * Valethon webhook endpoints: H1–H3 (list, register, remove) and Kith's extensions in the same
 * conventions (read, update, rotate the secret, send a test, list deliveries, redeliver). Every
 * route needs `webhooks:manage`. The secret is in a response only on creation and on rotation.
 */
import { serverSecretOf } from "../../../core/settings.js";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
  type WebhookSettings,
} from "../../../core/webhooks/webhooks.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok, paginated } from "./envelope.js";
import {
  renderCreatedWebhook,
  renderDelivery,
  renderWebhook,
  renderWebhookDetails,
} from "./webhooks.render.js";
import {
  CreatedWebhookEnvelopeSchema,
  CreateWebhookBodySchema,
  DeletedWebhookSchema,
  DeliveryIdParamsSchema,
  DeliveryPageSchema,
  ErrorSchema,
  IdParamsSchema,
  ListDeliveriesQuerySchema,
  QueuedDeliverySchema,
  RotatedSecretSchema,
  RotateSecretBodySchema,
  UpdateWebhookBodySchema,
  WebhookEnvelopeSchema,
  WebhookListSchema,
} from "./webhooks.schemas.js";

export interface WebhookRouteDeps extends ValethonDeps {
  readonly webhooks: {
    /** KITH_SECRET, when configured; otherwise the generated one kept in the database. */
    readonly configuredSecret: string | undefined;
    readonly allowPrivate: boolean;
  };
}

export async function webhooksRoutes(app: ValethonApp, { core, webhooks }: WebhookRouteDeps): Promise<void> {
  const tags = ["Webhooks"];
  const config = { permission: "webhooks:manage" as const };
  const settings = async (): Promise<WebhookSettings> => ({
    serverSecret: await serverSecretOf(core, webhooks.configuredSecret),
    allowPrivate: webhooks.allowPrivate,
  });

  app.get(
    "/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "List the webhook registrations",
        response: { 200: WebhookListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok((await listWebhooks(core, scopeOf(request))).map(renderWebhook)),
  );

  app.post(
    "/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "Register a webhook (the secret is returned only in this answer)",
        body: CreateWebhookBodySchema,
        response: { 201: CreatedWebhookEnvelopeSchema, ...STANDARD_ERRORS, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const webhook = await createWebhook(core, scopeOf(request), await settings(), {
        url: body.url,
        events: body.events,
        secret: body.secret,
        active: body.active,
      });
      reply.code(201);
      return ok(renderCreatedWebhook(webhook));
    },
  );

  app.get(
    "/webhooks/:id",
    {
      config,
      schema: {
        tags,
        summary: "Read one webhook registration",
        params: IdParamsSchema,
        response: { 200: WebhookEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok(renderWebhookDetails(await getWebhook(core, scopeOf(request), request.params.id))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/webhooks/:id",
      config,
      schema: {
        tags,
        summary: `Update a webhook (${method}; partial: url, events, active)`,
        params: IdParamsSchema,
        body: UpdateWebhookBodySchema,
        response: { 200: WebhookEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const body = request.body;
        const webhook = await updateWebhook(core, scopeOf(request), await settings(), request.params.id, {
          url: body.url,
          events: body.events,
          active: body.active,
        });
        return ok(renderWebhookDetails(webhook));
      },
    });
  }

  app.delete(
    "/webhooks/:id",
    {
      config,
      schema: {
        tags,
        summary: "Remove a webhook registration (its pending deliveries are cancelled)",
        params: IdParamsSchema,
        response: { 200: DeletedWebhookSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const webhook = await deleteWebhook(core, scopeOf(request), request.params.id);
      return ok({ webhook_id: webhook.number, deleted: true as const });
    },
  );

  app.post(
    "/webhooks/:id/rotate-secret",
    {
      config,
      schema: {
        tags,
        summary: "Replace the signing secret; the old one keeps signing for overlap_hours (default 24)",
        params: IdParamsSchema,
        body: RotateSecretBodySchema,
        response: { 200: RotatedSecretSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const webhook = await rotateWebhookSecret(core, scopeOf(request), await settings(), request.params.id, {
        overlapHours: request.body?.overlap_hours,
      });
      return ok({
        webhook_id: webhook.number,
        secret: webhook.secret,
        previous_secret_expires_at: webhook.previousSecretExpiresAt
          ? `${webhook.previousSecretExpiresAt.slice(0, 19)}Z`
          : null,
      });
    },
  );

  app.post(
    "/webhooks/:id/test",
    {
      config,
      schema: {
        tags,
        summary: "Queue a webhook.test delivery to this webhook only",
        params: IdParamsSchema,
        response: { 202: QueuedDeliverySchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { deliveryId } = await sendTestEvent(core, scopeOf(request), request.params.id);
      reply.code(202);
      return ok({ delivery_id: deliveryId, status: "pending" as const });
    },
  );

  app.get(
    "/webhooks/:id/deliveries",
    {
      config,
      schema: {
        tags,
        summary: "List a webhook's deliveries, newest first, with their attempts",
        params: IdParamsSchema,
        querystring: ListDeliveriesQuerySchema,
        response: { 200: DeliveryPageSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 25;
      const result = await listDeliveries(core, scopeOf(request), request.params.id, {
        page,
        perPage,
        status: request.query.status,
      });
      return paginated(result.items.map(renderDelivery), page, perPage, result.total);
    },
  );

  app.post(
    "/webhook-deliveries/:id/redeliver",
    {
      config,
      schema: {
        tags,
        summary: "Send a delivery again (same delivery id, so the same webhook-id header)",
        params: DeliveryIdParamsSchema,
        response: { 202: QueuedDeliverySchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { deliveryId } = await redeliver(core, scopeOf(request), request.params.id);
      reply.code(202);
      return ok({ delivery_id: deliveryId, status: "pending" as const });
    },
  );
}
