/**
 * The workspace's service status (`/service-status`): components customers see in the widget (W4)
 * and the bot's "Check service status" answer. Secret keys with `settings:manage`; the CLI's
 * `kith status` does the same by component name.
 */
import {
  createComponent,
  deleteComponent,
  getComponent,
  getServiceStatus,
  listComponents,
  updateComponent,
} from "../../../core/service-status/service-status.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";
import { componentInputFrom, renderComponent, renderStatusDetails } from "./service-status.render.js";
import {
  ComponentEnvelopeSchema,
  ComponentListSchema,
  CreateComponentBodySchema,
  DeletedComponentSchema,
  ErrorSchema,
  IdParamsSchema,
  ServiceStatusEnvelopeSchema,
  UpdateComponentBodySchema,
} from "./service-status.schemas.js";

export async function serviceStatusRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Service status"];
  const config = { permission: "settings:manage" as const };
  const base = "/service-status/components";

  app.get(
    "/service-status",
    {
      config,
      schema: {
        tags,
        summary: "The overall status (the worst component's; operational when none) and the components",
        response: { 200: ServiceStatusEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok(renderStatusDetails(await getServiceStatus(core, scopeOf(request)))),
  );

  app.get(
    base,
    {
      config,
      schema: {
        tags,
        summary: "List the components in display order",
        response: { 200: ComponentListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok((await listComponents(core, scopeOf(request))).map(renderComponent)),
  );

  app.post(
    base,
    {
      config,
      schema: {
        tags,
        summary: "Add a component (names are unique in the workspace, case-insensitively)",
        body: CreateComponentBodySchema,
        response: { 201: ComponentEnvelopeSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const component = await createComponent(core, scopeOf(request), componentInputFrom(request.body));
      reply.code(201);
      return ok(renderComponent(component));
    },
  );

  app.get(
    `${base}/:id`,
    {
      config,
      schema: {
        tags,
        summary: "Read a component",
        params: IdParamsSchema,
        response: { 200: ComponentEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderComponent(await getComponent(core, scopeOf(request), { number: request.params.id }))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: `${base}/:id`,
      config,
      schema: {
        tags,
        summary: `Change a component's status, message, name or order (${method}; partial)`,
        params: IdParamsSchema,
        body: UpdateComponentBodySchema,
        response: { 200: ComponentEnvelopeSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const component = await updateComponent(
          core,
          scopeOf(request),
          { number: request.params.id },
          componentInputFrom(request.body),
        );
        return ok(renderComponent(component));
      },
    });
  }

  app.delete(
    `${base}/:id`,
    {
      config,
      schema: {
        tags,
        summary: "Remove a component",
        params: IdParamsSchema,
        response: { 200: DeletedComponentSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const component = await deleteComponent(core, scopeOf(request), { number: request.params.id });
      return ok({ component_id: component.number, deleted: true as const });
    },
  );
}
