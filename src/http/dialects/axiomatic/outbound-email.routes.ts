/**
 * Axiomatic outbound email (seed-apis.md 003 rows 33–34): queueing a message through a connected
 * mailbox, and listing the mailboxes. The email sender job delivers queued messages.
 */
import { findConnectionRow, listEmailConnections } from "../../../core/email/email-connections.service.js";
import { queueOutboundEmail } from "../../../core/email/outbound-emails.service.js";
import { validationError } from "../../../core/errors.js";
import { EntityQuerySchema, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";
import { renderConnection } from "./outbound-email.render.js";
import { ConnectionListSchema, QueuedEmailSchema, QueueEmailBodySchema } from "./outbound-email.schemas.js";

export async function outboundEmailRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Email"];

  app.post(
    "/outbound-email",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Queue an email to a lead or contact through a connected mailbox (answers 202)",
        querystring: EntityQuerySchema,
        body: QueueEmailBodySchema,
        response: { 202: QueuedEmailSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const scope = scopeOf(request);
      if (body.channel !== undefined) {
        // An unknown connection is left to the core, which names connectionId.
        const connection = await findConnectionRow(core.db, scope, body.connectionId);
        if (connection && connection.channel !== body.channel)
          throw validationError("channel", `does not match the connection's channel (${connection.channel})`);
      }
      const email = await queueOutboundEmail(core, scope, {
        connectionId: body.connectionId,
        leadId: body.leadId,
        contactId: body.contactId,
        to: body.to,
        subject: body.subject,
        html: (body.htmlBody ?? body.html)!,
      });
      reply.code(202);
      return { id: email.id, status: email.status };
    },
  );

  app.get(
    "/outbound-email-connections",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "The entity's connected mailboxes (no settings or secrets)",
        querystring: EntityQuerySchema,
        response: { 200: ConnectionListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      connections: (await listEmailConnections(core, scopeOf(request))).map(renderConnection),
    }),
  );
}
