/**
 * The chat bot's intents (`/widget/intents`): what the bot answers to which words. Secret keys with
 * `settings:manage`. A workspace starts with default intents for an IT service provider, put in
 * the first time they are listed or the bot answers; they are then the workspace's to change.
 */
import {
  createIntent,
  deleteIntent,
  getIntent,
  listIntents,
  updateIntent,
} from "../../../core/chat-bot/intents.service.js";
import { intentInputFrom, renderIntent } from "./chat-bot.render.js";
import {
  CreateIntentBodySchema,
  DeletedIntentSchema,
  ErrorSchema,
  IdParamsSchema,
  IntentEnvelopeSchema,
  IntentListSchema,
  UpdateIntentBodySchema,
} from "./chat-bot.schemas.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";

export async function chatBotRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Chat bot"];
  const config = { permission: "settings:manage" as const };

  app.get(
    "/widget/intents",
    {
      config,
      schema: {
        tags,
        summary: "List the bot's intents, highest priority first",
        response: { 200: IntentListSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok((await listIntents(core, scopeOf(request))).map(renderIntent)),
  );

  app.post(
    "/widget/intents",
    {
      config,
      schema: {
        tags,
        summary: "Add an intent",
        body: CreateIntentBodySchema,
        response: { 201: IntentEnvelopeSchema, 409: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const intent = await createIntent(core, scopeOf(request), intentInputFrom(request.body));
      reply.code(201);
      return ok(renderIntent(intent));
    },
  );

  app.get(
    "/widget/intents/:id",
    {
      config,
      schema: {
        tags,
        summary: "Read an intent",
        params: IdParamsSchema,
        response: { 200: IntentEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      ok(renderIntent(await getIntent(core, scopeOf(request), { number: request.params.id }))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/widget/intents/:id",
      config,
      schema: {
        tags,
        summary: `Change an intent (${method}; partial)`,
        params: IdParamsSchema,
        body: UpdateIntentBodySchema,
        response: { 200: IntentEnvelopeSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const intent = await updateIntent(
          core,
          scopeOf(request),
          { number: request.params.id },
          intentInputFrom(request.body),
        );
        return ok(renderIntent(intent));
      },
    });
  }

  app.delete(
    "/widget/intents/:id",
    {
      config,
      schema: {
        tags,
        summary: "Delete an intent (defaults deleted stay deleted)",
        params: IdParamsSchema,
        response: { 200: DeletedIntentSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const intent = await deleteIntent(core, scopeOf(request), { number: request.params.id });
      return ok({ intent_id: intent.number, deleted: true as const });
    },
  );
}
