/**
 * CRMLead Pro campaigns (seeds/002 `POST /campaigns/email`, `POST /campaigns/whatsapp`, and
 * `GET /campaigns/{id}` for progress): created and queued in one call, answered at once with `202`;
 * Kith's worker sends them (see src/jobs/campaign-sender.ts).
 */
import { Type } from "typebox";
import type { Campaign, CampaignAudience } from "../../../core/campaigns/campaign.types.js";
import { CAMPAIGN_LIMITS } from "../../../core/campaigns/campaign.types.js";
import {
  createEmailCampaign,
  createWhatsAppCampaign,
  getCampaign,
  listCampaignRecipients,
} from "../../../core/campaigns/campaigns.service.js";
import { LEAD_STATUSES } from "../../../core/leads/lead.types.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { renderOptionalTime, renderTime } from "../../time.js";
import {
  ErrorSchema,
  IdParamsSchema,
  listOf,
  PaginationSchema,
  STANDARD_ERRORS,
  Time,
} from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId, uuidOf } from "./ids.js";

const Uuid = Type.String({ format: "uuid" });

const AudienceSchema = Type.Object(
  {
    list_id: Type.Optional(Type.String({ format: "uuid", description: "A marketing list (its uuid)" })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: CAMPAIGN_LIMITS.tags })),
    lead_filter: Type.Optional(
      Type.Object(
        {
          status: Type.Optional(StringEnum(LEAD_STATUSES)),
          source: Type.Optional(Type.String({ maxLength: 100 })),
          pipeline_stage: Type.Optional(Type.String({ maxLength: 50 })),
        },
        { additionalProperties: false },
      ),
    ),
    lead_ids: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), { maxItems: CAMPAIGN_LIMITS.idsPerAudience }),
    ),
    contact_ids: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), { maxItems: CAMPAIGN_LIMITS.idsPerAudience }),
    ),
  },
  { additionalProperties: false, description: "Everyone any part names, once per address" },
);

type AudienceBody = {
  list_id?: string;
  tags?: string[];
  lead_filter?: { status?: string; source?: string; pipeline_stage?: string };
  lead_ids?: string[];
  contact_ids?: string[];
};

function audienceFrom(body: AudienceBody): CampaignAudience {
  return {
    ...(body.list_id !== undefined ? { listId: body.list_id } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
    ...(body.lead_filter !== undefined
      ? {
          leadFilter: {
            status: body.lead_filter.status,
            source: body.lead_filter.source,
            stageKey: body.lead_filter.pipeline_stage,
          },
        }
      : {}),
    ...(body.lead_ids !== undefined
      ? { leadIds: body.lead_ids.map((id, index) => uuidOf("lead", id, `audience.lead_ids[${index}]`)) }
      : {}),
    ...(body.contact_ids !== undefined
      ? {
          contactIds: body.contact_ids.map((id, index) =>
            uuidOf("contact", id, `audience.contact_ids[${index}]`),
          ),
        }
      : {}),
  };
}

const CountsSchema = Type.Object({
  queued: Type.Integer(),
  sending: Type.Integer(),
  sent: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  total: Type.Integer(),
});

const CampaignSchema = Type.Object({
  id: Type.String(),
  uuid: Uuid,
  channel: Type.String({ description: "email or whatsapp" }),
  name: Type.String(),
  status: Type.String({ description: "queued, sending, sent or failed (nothing could be sent)" }),
  connection_id: Uuid,
  subject: Nullable(Type.String()),
  template: Nullable(Type.String()),
  language: Nullable(Type.String()),
  counts: CountsSchema,
  created_at: Time,
  sent_at: Nullable(Time),
});

export function renderCampaign(campaign: Campaign) {
  return {
    id: publicId("campaign", campaign.id),
    uuid: campaign.id,
    channel: campaign.channel,
    name: campaign.name,
    status: campaign.status,
    connection_id: campaign.connectionId,
    subject: campaign.subject,
    template: campaign.templateName,
    language: campaign.templateLanguage,
    counts: campaign.counts,
    created_at: renderTime(campaign.createdAt),
    sent_at: renderOptionalTime(campaign.sentAt),
  };
}

const RecipientSchema = Type.Object({
  record_id: Type.String(),
  name: Nullable(Type.String()),
  address: Nullable(Type.String()),
  status: Type.String({ description: "queued, sending, sent, failed or skipped" }),
  skip_reason: Nullable(Type.String({ description: "no_address, unsubscribed or duplicate" })),
  attempts: Type.Integer(),
  error: Nullable(Type.String()),
  sent_at: Nullable(Time),
});

export async function campaignsRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  const tags = ["Campaigns"];
  const write = { permission: "campaigns:write" } as const;
  const read = { permission: "campaigns:read" } as const;

  app.post(
    "/campaigns/email",
    {
      config: write,
      schema: {
        tags,
        summary: "Create and send an email campaign (answers at once; GET /campaigns/{id} shows progress)",
        body: Type.Object(
          {
            name: Type.String({ maxLength: CAMPAIGN_LIMITS.name }),
            connection_id: Type.String({ format: "uuid", description: "An email connection (its uuid)" }),
            subject: Type.String({ maxLength: 998 }),
            body_html: Type.String({
              maxLength: 512 * 1024,
              description:
                "HTML; {{name}}, {{first_name}}, {{email}} and {{unsubscribe_url}} are filled per recipient",
            }),
            audience: AudienceSchema,
          },
          { additionalProperties: false },
        ),
        response: { 202: CampaignSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const campaign = await createEmailCampaign(core, scopeOf(request), {
        name: body.name,
        connectionId: body.connection_id,
        subject: body.subject,
        html: body.body_html,
        audience: audienceFrom(body.audience),
      });
      reply.code(202);
      return renderCampaign(campaign);
    },
  );

  app.post(
    "/campaigns/whatsapp",
    {
      config: write,
      schema: {
        tags,
        summary: "Create and send a WhatsApp template broadcast (answers at once)",
        body: Type.Object(
          {
            name: Type.String({ maxLength: CAMPAIGN_LIMITS.name }),
            connection_id: Type.String({ format: "uuid", description: "A WhatsApp connection (its uuid)" }),
            template: Type.String({ maxLength: CAMPAIGN_LIMITS.templateName }),
            language: Type.String({ maxLength: 20, description: "Template language code, e.g. en_US" }),
            variables: Type.Optional(
              Type.Array(Type.String({ maxLength: CAMPAIGN_LIMITS.templateVariable }), {
                maxItems: CAMPAIGN_LIMITS.templateVariables,
                description: "Body parameters in order; each may use {{name}}, {{first_name}}, {{phone}}",
              }),
            ),
            default_country_code: Type.Optional(
              Type.String({
                maxLength: 4,
                description: "Calling code for numbers written without one, e.g. 91",
              }),
            ),
            audience: AudienceSchema,
          },
          { additionalProperties: false },
        ),
        response: { 202: CampaignSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const campaign = await createWhatsAppCampaign(core, scopeOf(request), {
        name: body.name,
        connectionId: body.connection_id,
        templateName: body.template,
        templateLanguage: body.language,
        variables: body.variables,
        defaultCountryCode: body.default_country_code,
        audience: audienceFrom(body.audience),
      });
      reply.code(202);
      return renderCampaign(campaign);
    },
  );

  app.get(
    "/campaigns/:id",
    {
      config: read,
      schema: {
        tags,
        summary: "A campaign's progress: its status and recipients per status",
        params: IdParamsSchema,
        response: { 200: CampaignSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      renderCampaign(await getCampaign(core, scopeOf(request), uuidOf("campaign", request.params.id, "id"))),
  );

  app.get(
    "/campaigns/:id/recipients",
    {
      config: read,
      schema: {
        tags,
        summary: "A campaign's recipients in audience order, each with its status",
        params: IdParamsSchema,
        querystring: Type.Object(
          {
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
            per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: CAMPAIGN_LIMITS.perPage })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(RecipientSchema), pagination: PaginationSchema }),
          404: ErrorSchema,
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 100;
      const result = await listCampaignRecipients(
        core,
        scopeOf(request),
        uuidOf("campaign", request.params.id, "id"),
        { page, perPage },
      );
      const items = result.items.map((recipient) => ({
        record_id: publicId(recipient.recordType, recipient.recordId),
        name: recipient.name,
        address: recipient.address,
        status: recipient.status,
        skip_reason: recipient.skipReason,
        attempts: recipient.attempts,
        error: recipient.lastError,
        sent_at: renderOptionalTime(recipient.sentAt),
      }));
      return listOf(items, page, perPage, result.total);
    },
  );
}
