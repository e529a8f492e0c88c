/**
 * CRMLead Pro deals (seeds/002 `POST /deals`, with list, get and update in the same conventions):
 * the core's opportunities. A deal moves by `stage`; a won or lost stage (or `status`) closes it.
 */
import { Type } from "typebox";
import type { Scope } from "../../../core/core.js";
import { validationError } from "../../../core/errors.js";
import {
  createOpportunity,
  getOpportunity,
  listOpportunities,
  updateOpportunity,
} from "../../../core/opportunities/opportunities.service.js";
import type { Opportunity, OpportunityInput } from "../../../core/opportunities/opportunity.types.js";
import { OPPORTUNITY_LIMITS, OPPORTUNITY_STATUSES } from "../../../core/opportunities/opportunity.types.js";
import { listPipelines } from "../../../core/pipelines/pipelines.service.js";
import { fromMinor, MONEY_MAX } from "../../../core/shared/money.js";
import { Nullable, StringEnum } from "../../schema-helpers.js";
import { renderTime } from "../../time.js";
import {
  ErrorSchema,
  IdParamsSchema,
  listOf,
  PageQuery,
  PaginationSchema,
  pageOf,
  STANDARD_ERRORS,
  Time,
} from "./common.schemas.js";
import { type CrmLeadProApp, type CrmLeadProDeps, scopeOf } from "./context.js";
import { publicId, userId, usernameOf, uuidOf } from "./ids.js";

const DealSchema = Type.Object({
  id: Type.String(),
  uuid: Type.String({ format: "uuid" }),
  name: Type.String(),
  value: Nullable(Type.Number()),
  currency: Type.String(),
  pipeline: Type.String({ description: "Pipeline key" }),
  stage: Type.String({ description: "Stage key" }),
  status: Type.String({ description: "open, won or lost" }),
  probability: Nullable(Type.Integer()),
  expected_close_date: Nullable(Type.String()),
  lead_id: Nullable(Type.String()),
  contact_id: Nullable(Type.String()),
  company_id: Nullable(Type.String()),
  assigned_to: Nullable(Type.String()),
  won_at: Nullable(Time),
  lost_at: Nullable(Time),
  created_at: Time,
  updated_at: Time,
});

const writable = {
  name: Type.String({ minLength: 1, maxLength: OPPORTUNITY_LIMITS.name }),
  value: Nullable(Type.Number({ minimum: 0, maximum: MONEY_MAX })),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  stage: Type.String({
    maxLength: 50,
    description: "A stage key of the deal's pipeline (default: its first open stage)",
  }),
  status: StringEnum(OPPORTUNITY_STATUSES),
  probability: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
  expected_close_date: Nullable(Type.String({ maxLength: 10, description: "YYYY-MM-DD" })),
  lead_id: Nullable(Type.String({ maxLength: 64 })),
  contact_id: Nullable(Type.String({ maxLength: 64 })),
  company_id: Nullable(Type.String({ maxLength: 64 })),
  assigned_to: Nullable(Type.String({ maxLength: 60 })),
  close_reason: Nullable(Type.String({ maxLength: OPPORTUNITY_LIMITS.closeReason })),
};

const CreateDealSchema = Type.Object(
  {
    name: writable.name,
    pipeline: Type.Optional(
      Type.String({ maxLength: 50, description: "Pipeline key (default: the default pipeline)" }),
    ),
    value: Type.Optional(writable.value),
    currency: Type.Optional(writable.currency),
    stage: Type.Optional(writable.stage),
    status: Type.Optional(writable.status),
    probability: Type.Optional(writable.probability),
    expected_close_date: Type.Optional(writable.expected_close_date),
    lead_id: Type.Optional(writable.lead_id),
    contact_id: Type.Optional(writable.contact_id),
    company_id: Type.Optional(writable.company_id),
    assigned_to: Type.Optional(writable.assigned_to),
  },
  { additionalProperties: false },
);

const UpdateDealSchema = Type.Object(
  {
    name: Type.Optional(writable.name),
    value: Type.Optional(writable.value),
    currency: Type.Optional(writable.currency),
    stage: Type.Optional(writable.stage),
    status: Type.Optional(writable.status),
    probability: Type.Optional(writable.probability),
    expected_close_date: Type.Optional(writable.expected_close_date),
    contact_id: Type.Optional(writable.contact_id),
    company_id: Type.Optional(writable.company_id),
    assigned_to: Type.Optional(writable.assigned_to),
    close_reason: Type.Optional(writable.close_reason),
  },
  { additionalProperties: false },
);

export function renderDeal(deal: Opportunity) {
  return {
    id: publicId("deal", deal.id),
    uuid: deal.id,
    name: deal.name,
    value: fromMinor(deal.valueMinor),
    currency: deal.currency,
    pipeline: deal.pipeline.key,
    stage: deal.stage.key,
    status: deal.status,
    probability: deal.probability,
    expected_close_date: deal.expectedCloseDate,
    lead_id: deal.leadId ? publicId("lead", deal.leadId) : null,
    contact_id: deal.contact ? publicId("contact", deal.contact.id) : null,
    company_id: deal.company ? publicId("company", deal.company.id) : null,
    assigned_to: deal.owner ? userId(deal.owner.username) : null,
    won_at: deal.wonAt ? renderTime(deal.wonAt) : null,
    lost_at: deal.lostAt ? renderTime(deal.lostAt) : null,
    created_at: renderTime(deal.createdAt),
    updated_at: renderTime(deal.updatedAt),
  };
}

type DealBody = Partial<Record<keyof typeof writable | "pipeline", unknown>>;

/** Deal fields as core input; ids are decoded, references stay references. */
function dealInputFrom(body: DealBody): OpportunityInput {
  const ref = (kind: "contact" | "company", field: string, value: unknown) =>
    value === null ? null : { id: uuidOf(kind, value as string, field) };
  const input: OpportunityInput = {
    name: body.name as string | undefined,
    value: body.value as number | null | undefined,
    currency: body.currency as string | undefined,
    stage: body.stage as string | undefined,
    status: body.status as OpportunityInput["status"],
    probability: body.probability as number | null | undefined,
    expectedCloseDate: body.expected_close_date as string | null | undefined,
    closeReason: body.close_reason as string | null | undefined,
  };
  if (body.contact_id !== undefined) input.contact = ref("contact", "contact_id", body.contact_id);
  if (body.company_id !== undefined) input.company = ref("company", "company_id", body.company_id);
  if (body.lead_id !== undefined)
    input.leadId = body.lead_id === null ? null : uuidOf("lead", body.lead_id as string, "lead_id");
  if (body.assigned_to !== undefined) {
    input.owner =
      body.assigned_to === null ? null : { username: usernameOf(body.assigned_to as string, "assigned_to") };
  }
  return input;
}

async function pipelineByKey(core: CrmLeadProDeps["core"], scope: Scope, key: string) {
  const pipeline = (await listPipelines(core, scope)).find((candidate) => candidate.key === key);
  if (!pipeline) throw validationError("pipeline", `no pipeline with key "${key}"`);
  return pipeline;
}

export async function dealsRoutes(app: CrmLeadProApp, { core }: CrmLeadProDeps): Promise<void> {
  const tags = ["Deals"];
  const dealId = (id: string) => ({ id: uuidOf("deal", id, "id") });

  app.post(
    "/deals",
    {
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: "Create a deal in a pipeline (by key) and stage (by key)",
        body: CreateDealSchema,
        response: { 201: DealSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const input = dealInputFrom(request.body);
      if (request.body.pipeline !== undefined) {
        input.pipeline = { id: (await pipelineByKey(core, scope, request.body.pipeline)).id };
      }
      const deal = await createOpportunity(core, scope, input);
      reply.code(201);
      return renderDeal(deal);
    },
  );

  app.get(
    "/deals",
    {
      config: { permission: "opportunities:read" },
      schema: {
        tags,
        summary: "List deals, newest first",
        querystring: Type.Object(
          {
            status: Type.Optional(StringEnum(OPPORTUNITY_STATUSES)),
            stage: Type.Optional(Type.String({ maxLength: 50 })),
            assigned_to: Type.Optional(Type.String({ maxLength: 60 })),
            company_id: Type.Optional(Type.String({ maxLength: 64 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(DealSchema), pagination: PaginationSchema }),
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, perPage } = pageOf(query);
      const result = await listOpportunities(core, scopeOf(request), {
        page,
        perPage,
        status: query.status,
        stage: query.stage,
        ...(query.assigned_to ? { owner: { username: usernameOf(query.assigned_to, "assigned_to") } } : {}),
        ...(query.company_id ? { company: { id: uuidOf("company", query.company_id, "company_id") } } : {}),
      });
      return listOf(result.items.map(renderDeal), page, perPage, result.total);
    },
  );

  app.get(
    "/deals/:id",
    {
      config: { permission: "opportunities:read" },
      schema: {
        tags,
        summary: "Get a deal",
        params: IdParamsSchema,
        response: { 200: DealSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => renderDeal(await getOpportunity(core, scopeOf(request), dealId(request.params.id))),
  );

  app.patch(
    "/deals/:id",
    {
      config: { permission: "opportunities:write" },
      schema: {
        tags,
        summary: "Update a deal (partial); a won or lost stage or status closes it",
        params: IdParamsSchema,
        body: UpdateDealSchema,
        response: { 200: DealSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      renderDeal(
        await updateOpportunity(
          core,
          scopeOf(request),
          dealId(request.params.id),
          dealInputFrom(request.body),
        ),
      ),
  );
}
