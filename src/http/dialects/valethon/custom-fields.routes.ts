/** Valethon custom-field definition endpoints (seed-apis.md F1–F4), behind settings:manage. */
import {
  createCustomField,
  deleteCustomField,
  listCustomFields,
  updateCustomField,
} from "../../../core/custom-fields/custom-fields.service.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { coreEntityType, renderCustomField } from "./custom-fields.render.js";
import {
  CreateCustomFieldBodySchema,
  CustomFieldEnvelopeSchema,
  CustomFieldListSchema,
  DeletedCustomFieldSchema,
  ErrorSchema,
  IdParamsSchema,
  ListCustomFieldsQuerySchema,
  UpdateCustomFieldBodySchema,
} from "./custom-fields.schemas.js";
import { ok } from "./envelope.js";

export async function customFieldsRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Custom fields"];

  app.get(
    "/custom-fields",
    {
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: "List custom-field definitions (of one entity type, or all), in display order",
        querystring: ListCustomFieldsQuerySchema,
        response: { 200: CustomFieldListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const entityType = request.query.entity_type;
      const definitions = await listCustomFields(
        core,
        scopeOf(request),
        entityType === undefined ? undefined : coreEntityType(entityType),
      );
      return ok(definitions.map(renderCustomField));
    },
  );

  app.post(
    "/custom-fields",
    {
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: "Create a custom-field definition",
        body: CreateCustomFieldBodySchema,
        response: { 201: CustomFieldEnvelopeSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const definition = await createCustomField(core, scopeOf(request), {
        entityType: coreEntityType(body.entity_type),
        key: body.field_key,
        label: body.label,
        fieldType: body.field_type,
        options: body.options,
        required: body.required,
      });
      reply.code(201);
      return ok(renderCustomField(definition));
    },
  );

  app.put(
    "/custom-fields/:id",
    {
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: "Update a definition's label, options or required flag (key and type are immutable)",
        params: IdParamsSchema,
        body: UpdateCustomFieldBodySchema,
        response: { 200: CustomFieldEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const body = request.body;
      const definition = await updateCustomField(
        core,
        scopeOf(request),
        { number: request.params.id },
        {
          label: body.label,
          options: body.options,
          required: body.required,
          key: body.field_key,
          fieldType: body.field_type,
          entityType: body.entity_type === undefined ? undefined : coreEntityType(body.entity_type),
        },
      );
      return ok(renderCustomField(definition));
    },
  );

  app.delete(
    "/custom-fields/:id",
    {
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: "Delete a definition (records keep their values, which are no longer shown)",
        params: IdParamsSchema,
        response: { 200: DeletedCustomFieldSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const definition = await deleteCustomField(core, scopeOf(request), { number: request.params.id });
      return ok({ field_id: definition.number, deleted: true as const });
    },
  );
}
