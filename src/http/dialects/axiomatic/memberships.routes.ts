/** Axiomatic company-membership endpoints (seed-apis.md 003 rows 13–16), over the core's memberships. */
import { Type } from "typebox";
import {
  addMembership,
  listMemberships,
  removeMembership,
  updateMembership,
} from "../../../core/contacts/memberships.service.js";
import { EntityQuerySchema, ErrorSchema, IdParamsSchema, STANDARD_ERRORS } from "./common.schemas.js";
import { type AxiomaticApp, type AxiomaticDeps, scopeOf } from "./context.js";
import { renderMembership } from "./memberships.render.js";
import {
  AddMembershipBodySchema,
  MembershipListSchema,
  MembershipParamsSchema,
  MembershipSchema,
  UpdateMembershipBodySchema,
} from "./memberships.schemas.js";

export async function membershipsRoutes(app: AxiomaticApp, { core }: AxiomaticDeps): Promise<void> {
  const tags = ["Company memberships"];
  const path = "/contacts/:id/company-memberships";

  app.get(
    path,
    {
      config: { permission: "contacts:read" },
      schema: {
        tags,
        summary: "The contact's company memberships, primary first",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        response: { 200: MembershipListSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const memberships = await listMemberships(core, scopeOf(request), { id: request.params.id });
      return { memberships: memberships.map(renderMembership) };
    },
  );

  app.post(
    path,
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Add the contact to a company",
        params: IdParamsSchema,
        querystring: EntityQuerySchema,
        body: AddMembershipBodySchema,
        response: { 201: MembershipSchema, 404: ErrorSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { companyId, title, isPrimary } = request.body;
      const membership = await addMembership(
        core,
        scopeOf(request),
        { id: request.params.id },
        {
          company: { id: companyId },
          ...(title !== undefined ? { role: title } : {}),
          ...(isPrimary !== undefined ? { isPrimary } : {}),
        },
      );
      reply.code(201);
      return renderMembership(membership);
    },
  );

  app.patch(
    `${path}/:membershipId`,
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Update a membership's title or primary flag",
        params: MembershipParamsSchema,
        querystring: EntityQuerySchema,
        body: UpdateMembershipBodySchema,
        response: { 200: MembershipSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const { title, isPrimary } = request.body;
      const membership = await updateMembership(
        core,
        scopeOf(request),
        { id: request.params.id },
        request.params.membershipId,
        {
          ...(title !== undefined ? { role: title } : {}),
          ...(isPrimary !== undefined ? { isPrimary } : {}),
        },
      );
      return renderMembership(membership);
    },
  );

  app.delete(
    `${path}/:membershipId`,
    {
      config: { permission: "contacts:write" },
      schema: {
        tags,
        summary: "Remove a membership (the contact stays; answers 204 without a body)",
        params: MembershipParamsSchema,
        querystring: EntityQuerySchema,
        response: { 204: Type.Null({ description: "Deleted" }), 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await removeMembership(core, scopeOf(request), { id: request.params.id }, request.params.membershipId);
      return reply.code(204).send(null);
    },
  );
}
