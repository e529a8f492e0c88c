/**
 * Kith's Valethon-convention email connection endpoints: list, create, read, update, delete the
 * mailboxes a workspace sends through. Every route needs `settings:manage`. The password is
 * write-only: answers show only `has_password`.
 */
import {
  createEmailConnection,
  deleteEmailConnection,
  type EmailSettings,
  getEmailConnection,
  listEmailConnections,
  updateEmailConnection,
} from "../../../core/email/email-connections.service.js";
import { serverSecretOf } from "../../../core/settings.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp } from "./context.js";
import { emailConnectionInput, renderEmailConnection } from "./email-connections.render.js";
import {
  CreateEmailConnectionBodySchema,
  DeletedEmailConnectionSchema,
  EmailConnectionEnvelopeSchema,
  EmailConnectionListSchema,
  ErrorSchema,
  IdParamsSchema,
  UpdateEmailConnectionBodySchema,
} from "./email-connections.schemas.js";
import { ok } from "./envelope.js";
import type { WebhookRouteDeps } from "./webhooks.routes.js";

export async function emailConnectionsRoutes(
  app: ValethonApp,
  { core, webhooks }: WebhookRouteDeps,
): Promise<void> {
  const tags = ["Email"];
  const config = { permission: "settings:manage" as const };
  // The same server secret and private-address policy as webhooks (KITH_WEBHOOK_ALLOW_PRIVATE).
  const settings = async (): Promise<EmailSettings> => ({
    serverSecret: await serverSecretOf(core, webhooks.configuredSecret),
    allowPrivate: webhooks.allowPrivate,
  });

  app.get(
    "/email-connections",
    {
      config,
      schema: {
        tags,
        summary: "List the email connections (mailboxes emails are sent through)",
        response: { 200: EmailConnectionListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok((await listEmailConnections(core, scopeOf(request))).map(renderEmailConnection)),
  );

  app.post(
    "/email-connections",
    {
      config,
      schema: {
        tags,
        summary: "Create an email connection (SMTP settings; the password is write-only)",
        body: CreateEmailConnectionBodySchema,
        response: { 201: EmailConnectionEnvelopeSchema, ...STANDARD_ERRORS, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const connection = await createEmailConnection(
        core,
        scopeOf(request),
        await settings(),
        emailConnectionInput(request.body),
      );
      reply.code(201);
      return ok(renderEmailConnection(connection));
    },
  );

  app.get(
    "/email-connections/:id",
    {
      config,
      schema: {
        tags,
        summary: "Read one email connection",
        params: IdParamsSchema,
        response: { 200: EmailConnectionEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderEmailConnection(await getEmailConnection(core, scopeOf(request), request.params.id))),
  );

  app.patch(
    "/email-connections/:id",
    {
      config,
      schema: {
        tags,
        summary: "Update an email connection (partial; a null password removes it)",
        params: IdParamsSchema,
        body: UpdateEmailConnectionBodySchema,
        response: { 200: EmailConnectionEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const connection = await updateEmailConnection(
        core,
        scopeOf(request),
        await settings(),
        request.params.id,
        emailConnectionInput(request.body),
      );
      return ok(renderEmailConnection(connection));
    },
  );

  app.delete(
    "/email-connections/:id",
    {
      config,
      schema: {
        tags,
        summary: "Delete an email connection (emails still queued on it fail)",
        params: IdParamsSchema,
        response: { 200: DeletedEmailConnectionSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const connection = await deleteEmailConnection(core, scopeOf(request), request.params.id);
      return ok({ email_connection_id: connection.number, deleted: true as const });
    },
  );
}
