/** Axiomatic CRM dashboard (seed-apis.md 003 row 2), served by the core's dashboard. */
import { dashboardOf } from "../../../core/dashboard/dashboard.service.js";
import { EntityQuerySchema, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";
import { renderDashboard } from "./dashboard.render.js";
import { DashboardSchema } from "./dashboard.schemas.js";

export async function dashboardRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  app.get(
    "/dashboard",
    {
      config: { permission: "leads:read" },
      schema: {
        tags: ["Dashboard"],
        summary: "Pipeline, win/loss, task and activity figures of the entity (UTC periods)",
        querystring: EntityQuerySchema,
        response: { 200: DashboardSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => renderDashboard(await dashboardOf(core, scopeOf(request), "leads")),
  );
}
