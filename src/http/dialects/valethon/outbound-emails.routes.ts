/**
 * Kith's Valethon-convention outbound email endpoints: queue a message to a lead or contact
 * (`leads:write`; answered 202 with the queued message) and read its status (`leads:read`).
 * The worker sends it (jobs/email-sender.ts) and logs an `email` activity on the record.
 */
import { getOutboundEmail, queueOutboundEmail } from "../../../core/email/outbound-emails.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";
import { renderOutboundEmail } from "./outbound-emails.render.js";
import {
  ErrorSchema,
  IdParamsSchema,
  OutboundEmailEnvelopeSchema,
  QueueOutboundEmailBodySchema,
} from "./outbound-emails.schemas.js";

export async function outboundEmailsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Email"];

  app.post(
    "/outbound-emails",
    {
      config: { permission: "leads:write" },
      schema: {
        tags,
        summary: "Queue an email to a lead or contact through an email connection",
        body: QueueOutboundEmailBodySchema,
        response: { 202: OutboundEmailEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const email = await queueOutboundEmail(core, scopeOf(request), {
        connectionId: body.connection_id,
        leadId: body.lead_id,
        contactId: body.contact_id,
        to: body.to,
        subject: body.subject,
        html: body.html,
      });
      reply.code(202);
      return ok(renderOutboundEmail(email));
    },
  );

  app.get(
    "/outbound-emails/:id",
    {
      config: { permission: "leads:read" },
      schema: {
        tags,
        summary: "Read an outbound email's status",
        params: IdParamsSchema,
        response: { 200: OutboundEmailEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderOutboundEmail(await getOutboundEmail(core, scopeOf(request), request.params.id))),
  );
}
