/**
 * CRMLead Pro webhooks: register (`POST /webhooks`, the secret shown only in that answer), list
 * and delete. Deliveries carry CRMLead Pro events and payloads, signed with
 * `X-CRMLeadPro-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` plus the Standard Webhooks
 * headers (see src/core/webhooks/signing.ts). Only this dialect's webhooks are seen here.
 */
import { Type } from "typebox";
import { serverSecretOf } from "../../../core/settings.js";
import { CRMLEADPRO_WEBHOOK_EVENTS } from "../../../core/webhooks/crmleadpro-payloads.js";
import { WEBHOOK_LIMITS, type Webhook } from "../../../core/webhooks/webhook.types.js";
import { createWebhook, deleteWebhook, listWebhooks } from "../../../core/webhooks/webhooks.service.js";
import { renderTime } from "../../time.js";
import { ErrorSchema, IdParamsSchema, STANDARD_ERRORS, Time } from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId, uuidOf } from "./ids.js";

const DIALECT = "crmleadpro";

const WebhookSchema = Type.Object({
  id: Type.String({ description: "wh_…" }),
  uuid: Type.String({ format: "uuid" }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  created_at: Time,
});

const CreatedWebhookSchema = Type.Object({
  id: Type.String({ description: "wh_…" }),
  uuid: Type.String({ format: "uuid" }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  secret: Type.String({ description: "Shown only here; store it to verify signatures" }),
  active: Type.Boolean(),
  created_at: Time,
});

const CreateWebhookSchema = Type.Object(
  {
    url: Type.String({
      maxLength: WEBHOOK_LIMITS.urlLength,
      description: "http(s) URL receiving deliveries",
    }),
    events: Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 32,
      description: `${CRMLEADPRO_WEBHOOK_EVENTS.join(", ")}, or ["*"] for all`,
    }),
    secret: Type.Optional(
      Type.String({
        minLength: WEBHOOK_LIMITS.secretMin,
        maxLength: WEBHOOK_LIMITS.secretMax,
        description: "Signing secret; generated (whsec_…) when absent",
      }),
    ),
  },
  { additionalProperties: false },
);

const renderWebhook = (webhook: Webhook) => ({
  id: publicId("webhook", webhook.id),
  uuid: webhook.id,
  url: webhook.url,
  events: webhook.events,
  active: webhook.active,
  created_at: renderTime(webhook.createdAt),
});

export async function webhooksRoutes(app: CrmLeadProApp, { core, webhooks }: CrmLeadProDeps): Promise<void> {
  const tags = ["Webhooks"];
  const config = { permission: "webhooks:manage" as const };
  const settings = async () => ({
    serverSecret: await serverSecretOf(core, webhooks?.configuredSecret),
    allowPrivate: webhooks?.allowPrivate ?? false,
  });

  app.post(
    "/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "Register a webhook (the secret is returned only in this answer)",
        body: CreateWebhookSchema,
        response: { 201: CreatedWebhookSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { url, events, secret } = request.body;
      const webhook = await createWebhook(
        core,
        scopeOf(request),
        await settings(),
        { url, events, secret },
        DIALECT,
      );
      reply.code(201);
      const { secret: shown, ...rest } = webhook;
      return { ...renderWebhook(rest), secret: shown };
    },
  );

  app.get(
    "/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "List the webhook registrations (without secrets)",
        response: { 200: Type.Object({ data: Type.Array(WebhookSchema) }), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({ data: (await listWebhooks(core, scopeOf(request), DIALECT)).map(renderWebhook) }),
  );

  app.delete(
    "/webhooks/:id",
    {
      config,
      schema: {
        tags,
        summary: "Delete a webhook; its pending deliveries are cancelled",
        params: IdParamsSchema,
        response: {
          200: Type.Object({
            id: Type.String(),
            uuid: Type.String({ format: "uuid" }),
            deleted: Type.Boolean(),
          }),
          404: ErrorSchema,
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const id = uuidOf("webhook", request.params.id, "id");
      const webhook = await deleteWebhook(core, scopeOf(request), { id }, DIALECT);
      return { id: publicId("webhook", webhook.id), uuid: webhook.id, deleted: true };
    },
  );
}
