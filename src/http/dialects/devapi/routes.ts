/** `GET /companies`, `GET /contacts` and `GET /conversations`: each the whole list, streamed. */

import type { Readable } from "node:stream";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { readCompanyBatch } from "../../../core/companies/company-batches.js";
import { readContactBatch } from "../../../core/contacts/contact-batches.js";
import { readConversationBatch } from "../../../core/conversations/conversation-batches.js";
import type { Core } from "../../../core/core.js";
import { validationError } from "../../../core/errors.js";
import { isUuid } from "../../../core/ids.js";
import { scopeOf } from "../../guard.js";
import type { TypeBoxApp } from "../../schema-helpers.js";
import { renderCompany, renderContact, renderConversation } from "./render.js";
import { CompanyIdQuery, CompanySchema, ContactSchema, ConversationSchema, ERRORS } from "./schemas.js";
import { type StreamHooks, streamedArray } from "./stream.js";

export type DevApiList = "companies" | "contacts" | "conversations";

export interface DevApiDeps {
  readonly core: Core;
  /** Hooks of each list download (the metrics). */
  readonly hooksOf: (list: DevApiList) => StreamHooks;
}

/** A well-formed company UUID (any case), or a validation error naming the parameter. */
function companyIdOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value.trim().toLowerCase();
  if (!isUuid(id)) throw validationError("companyId", "must be a UUID");
  return id;
}

const sendArray = (reply: FastifyReply, stream: Readable) =>
  reply.header("content-type", "application/json; charset=utf-8").send(stream);

const listDescription =
  "Returns the whole list as one JSON array, streamed in batches of 500 rows (oldest first).";

export async function devapiRoutes(app: TypeBoxApp, { core, hooksOf }: DevApiDeps): Promise<void> {
  app.get(
    "/companies",
    {
      config: { permission: "prospects:read" },
      schema: {
        tags: ["Companies"],
        summary: "Returns all companies",
        description: listDescription,
        response: { 200: Type.Array(CompanySchema), ...ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const stream = await streamedArray(
        {
          read: (after) => readCompanyBatch(core.db, scope, after === undefined ? {} : { after }),
          numberOf: (company) => company.number,
          render: renderCompany,
        },
        hooksOf("companies"),
      );
      return sendArray(reply, stream);
    },
  );

  app.get(
    "/contacts",
    {
      config: { permission: "contacts:read" },
      schema: {
        tags: ["Contacts"],
        summary: "Returns all contacts, optionally filtered by company",
        description: `${listDescription} Without companyId each contact comes with its primary company.`,
        querystring: CompanyIdQuery,
        response: { 200: Type.Array(ContactSchema), ...ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const companyId = companyIdOf(request.query.companyId);
      const stream = await streamedArray(
        {
          read: (after) =>
            readContactBatch(core.db, scope, {
              ...(companyId === undefined ? {} : { companyId }),
              ...(after === undefined ? {} : { after }),
            }),
          numberOf: (contact) => contact.number,
          render: renderContact,
        },
        hooksOf("contacts"),
      );
      return sendArray(reply, stream);
    },
  );

  app.get(
    "/conversations",
    {
      config: { permission: "conversations:read" },
      schema: {
        tags: ["Conversations"],
        summary: "Returns all chat conversations, optionally filtered by company",
        description: listDescription,
        querystring: CompanyIdQuery,
        response: { 200: Type.Array(ConversationSchema), ...ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const companyId = companyIdOf(request.query.companyId);
      const stream = await streamedArray(
        {
          read: (after) =>
            readConversationBatch(core.db, scope, {
              ...(companyId === undefined ? {} : { companyId }),
              ...(after === undefined ? {} : { after }),
            }),
          numberOf: (conversation) => conversation.number,
          render: renderConversation,
        },
        hooksOf("conversations"),
      );
      return sendArray(reply, stream);
    },
  );
}
