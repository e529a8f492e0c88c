/**
 * The chat widget's endpoints: W1–W4 (init, message, end, status) exactly as seed 000 shows them
 * (W1–W3 without a `data` wrapper), plus Kith's transcript (`/widget/messages`) and live stream
 * (`/widget/stream`). All are widget routes: public keys reach them (and nothing else), with CORS
 * for the key's origins (widget-cors.ts) and a per-visitor rate limit (guard.ts limitVisitor).
 * The widget's settings (`/widget/settings`) are a secret-key route for the workspace's admins.
 */
import { getWidgetSettings, updateWidgetSettings } from "../../../core/conversations/chat-settings.js";
import {
  endWidgetSession,
  readWidgetTranscript,
  startWidgetSession,
  visitorMessage,
} from "../../../core/conversations/widget-sessions.js";
import { getServiceStatus } from "../../../core/service-status/service-status.service.js";
import { ErrorSchema, STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";
import {
  renderBranding,
  renderServiceStatus,
  renderWidgetMessage,
  renderWidgetSettings,
} from "./widget.render.js";
import {
  EndBodySchema,
  EndResponseSchema,
  InitBodySchema,
  InitResponseSchema,
  MessageBodySchema,
  MessageResponseSchema,
  StatusResponseSchema,
  StreamQuerySchema,
  TranscriptQuerySchema,
  TranscriptResponseSchema,
  UpdateWidgetSettingsBodySchema,
  WidgetSettingsEnvelopeSchema,
} from "./widget.schemas.js";
import { answerPreflight } from "./widget-cors.js";
import { streamWidgetSession } from "./widget-stream.js";

/** The paths a browser calls; each answers CORS preflights. */
export const WIDGET_PATHS = [
  "/widget/init",
  "/widget/message",
  "/widget/end",
  "/widget/status",
  "/widget/messages",
  "/widget/stream",
] as const;

export async function widgetRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  const tags = ["Widget"];
  const widget = { widget: true };

  for (const url of WIDGET_PATHS) {
    app.options(url, { config: { preflight: true }, schema: { hide: true } }, answerPreflight);
  }

  app.post(
    "/widget/init",
    {
      config: widget,
      schema: {
        tags,
        summary: "W1: start a chat session (or resume a live one of the same visitor)",
        body: InitBodySchema,
        response: { 200: InitResponseSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const scope = scopeOf(request);
      const userAgent = request.headers["user-agent"];
      const session = await startWidgetSession(core, scope, {
        visitorId: body.visitor_id,
        pageUrl: body.page_url,
        referrer: body.referrer,
        sessionId: body.session_id,
        ip: request.ip,
        userAgent: typeof userAgent === "string" ? userAgent : null,
      });
      const settings = await getWidgetSettings(core, scope);
      return {
        success: true as const,
        session_id: session.sessionId,
        greeting: settings.greeting,
        branding: renderBranding(settings),
      };
    },
  );

  app.post(
    "/widget/message",
    {
      config: widget,
      schema: {
        tags,
        summary:
          "W2: send the visitor's message; answers the bot's reply (empty while a person handles the chat)",
        body: MessageBodySchema,
        response: { 200: MessageResponseSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const result = await visitorMessage(core, scopeOf(request), {
        sessionId: request.body.session_id,
        message: request.body.message,
      });
      return {
        success: true as const,
        response: { message: result.response.message, suggested_actions: result.response.suggestedActions },
      };
    },
  );

  app.post(
    "/widget/end",
    {
      config: widget,
      schema: {
        tags,
        summary: "W3: end the chat session (the conversation is closed)",
        body: EndBodySchema,
        response: { 200: EndResponseSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      await endWidgetSession(core, scopeOf(request), request.body.session_id);
      return { success: true as const };
    },
  );

  app.get(
    "/widget/status",
    {
      config: widget,
      schema: {
        tags,
        summary: "W4: the workspace's service status (overall = worst component status)",
        response: { 200: StatusResponseSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok(renderServiceStatus(await getServiceStatus(core, scopeOf(request)))),
  );

  app.get(
    "/widget/messages",
    {
      config: widget,
      schema: {
        tags,
        summary: "The session's status and messages, oldest first (max 200; `after` a message id)",
        querystring: TranscriptQuerySchema,
        response: { 200: TranscriptResponseSchema, 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const { conversation, messages } = await readWidgetTranscript(
        core,
        scopeOf(request),
        request.query.session_id,
        {
          after: request.query.after,
        },
      );
      return ok({ status: conversation.status, messages: messages.map(renderWidgetMessage) });
    },
  );

  app.get(
    "/widget/stream",
    {
      config: { ...widget, keyInQuery: true },
      schema: {
        tags,
        summary:
          "Server-sent events of the session: `message` for each agent message, `status` on a status change. " +
          "The key may be given as `key` in the query; Last-Event-ID (or `after`) resumes after a message.",
        querystring: StreamQuerySchema,
        response: { 404: ErrorSchema, ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers["last-event-id"];
      await streamWidgetSession(core, request, reply, {
        sessionId: request.query.session_id,
        after: typeof lastEventId === "string" && lastEventId !== "" ? lastEventId : request.query.after,
      });
    },
  );

  app.get(
    "/widget/settings",
    {
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: "The widget's greeting and branding (W1 answers them)",
        response: { 200: WidgetSettingsEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ok(renderWidgetSettings(await getWidgetSettings(core, scopeOf(request)))),
  );

  for (const method of ["PUT", "PATCH"] as const) {
    app.route({
      method,
      url: "/widget/settings",
      config: { permission: "settings:manage" },
      schema: {
        tags,
        summary: `Change the widget's greeting and branding (${method}; partial, null restores a default)`,
        body: UpdateWidgetSettingsBodySchema,
        response: { 200: WidgetSettingsEnvelopeSchema, ...STANDARD_ERRORS },
      },
      handler: async (request) => {
        const body = request.body;
        const settings = await updateWidgetSettings(core, scopeOf(request), {
          greeting: body.greeting,
          companyName: body.company_name,
          primaryColor: body.primary_color,
          logoUrl: body.logo_url,
        });
        return ok(renderWidgetSettings(settings));
      },
    });
  }
}
