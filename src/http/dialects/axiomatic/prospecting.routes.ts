/** Axiomatic prospecting (seed-apis.md 003 row 1): putting companies and contacts on a marketing list. */
import { addListMembers } from "../../../core/marketing-lists/marketing-lists.service.js";
import { EntityQuerySchema, ErrorSchema, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";
import { AddToMarketingListBodySchema, AddToMarketingListResultSchema } from "./prospecting.schemas.js";

export async function prospectingRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  app.post(
    "/prospecting/add-to-marketing-list",
    {
      config: { permission: "prospects:write" },
      schema: {
        tags: ["Prospecting"],
        summary: "Add companies and contacts to a marketing list (idempotent)",
        querystring: EntityQuerySchema,
        body: AddToMarketingListBodySchema,
        response: { 200: AddToMarketingListResultSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const { listId, companyIds, contactIds } = request.body;
      const result = await addListMembers(core, scopeOf(request), { id: listId }, { companyIds, contactIds });
      return { listId, ...result };
    },
  );
}
