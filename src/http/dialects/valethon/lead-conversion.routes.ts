/** Valethon lead conversion (seed-apis.md L6): one transaction, or a dry run that writes nothing. */
import { Type } from "typebox";
import { CoreError } from "../../../core/errors.js";
import type { Permission } from "../../../core/keys/permissions.js";
import { type ConversionStep, convertLead } from "../../../core/leads/lead-conversion.js";
import { Nullable } from "../../schema-helpers.js";
import { ErrorSchema, IdParamsSchema, STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";

const ConvertBodySchema = Type.Object({
  create_contact: Type.Optional(Type.Boolean({ description: "Default true" })),
  create_prospect: Type.Optional(
    Type.Boolean({ description: "Default true when the lead has a company_name" }),
  ),
  create_opportunity: Type.Optional(Type.Boolean({ description: "Default false" })),
  opportunity_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  opportunity_value: Type.Optional(Type.Number({ minimum: 0 })),
  dry_run: Type.Optional(
    Type.Boolean({ description: "Answer what would be created or reused, write nothing" }),
  ),
});

const StepSchema = (idField: string) =>
  Type.Object({
    action: Type.Union([Type.Literal("create"), Type.Literal("reuse"), Type.Literal("none")]),
    [idField]: Nullable(Type.Integer()),
  });

const ConvertedSchema = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    lead_id: Type.Integer(),
    contact_id: Nullable(Type.Integer()),
    prospect_id: Nullable(Type.Integer()),
    opportunity_id: Nullable(Type.Integer()),
    lead_status: Type.String(),
    dry_run: Type.Boolean(),
    contact: StepSchema("contact_id"),
    prospect: StepSchema("prospect_id"),
    opportunity: StepSchema("opportunity_id"),
  }),
});

const step = (idField: string, value: ConversionStep) => ({ action: value.action, [idField]: value.number });

export async function leadConversionRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  app.post(
    "/leads/:id/convert",
    {
      config: { permission: "leads:write" },
      schema: {
        tags: ["Leads"],
        summary: "Convert a lead into a contact, a prospect account and optionally an opportunity",
        params: IdParamsSchema,
        body: Type.Optional(ConvertBodySchema),
        response: { 200: ConvertedSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const createContact = body.create_contact ?? true;
      const createOpportunity = body.create_opportunity ?? false;
      // Converting writes the records it creates, so it needs their permissions too.
      const needed: Permission[] = [];
      if (createContact) needed.push("contacts:write");
      if (body.create_prospect !== false) needed.push("prospects:write");
      if (createOpportunity) needed.push("opportunities:write");
      for (const permission of needed) {
        if (!request.principal!.permissions.has(permission)) {
          throw new CoreError("FORBIDDEN", `converting this way needs the ${permission} permission`);
        }
      }
      const result = await convertLead(
        core,
        scopeOf(request),
        { number: request.params.id },
        {
          createContact,
          createCompany: body.create_prospect,
          createOpportunity,
          opportunityName: body.opportunity_name,
          opportunityValue: body.opportunity_value,
          dryRun: body.dry_run ?? false,
        },
      );
      return ok({
        lead_id: result.lead.number,
        contact_id: result.contact.number,
        prospect_id: result.company.number,
        opportunity_id: result.opportunity.number,
        lead_status: result.lead.status,
        dry_run: result.dryRun,
        contact: step("contact_id", result.contact),
        prospect: step("prospect_id", result.company),
        opportunity: step("opportunity_id", result.opportunity),
      });
    },
  );
}
