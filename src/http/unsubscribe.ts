/**
 * The unsubscribe link every campaign email carries: `GET /unsubscribe/{token}` (a person clicking
 * it) and `POST` (mail clients' one-click unsubscribe, RFC 8058). Public by design: the token
 * itself, signed with the server secret, names the one workspace, channel and address it may
 * unsubscribe (see core/campaigns/unsubscribes.ts). Answers plain text, never echoing input.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { unsubscribeByToken } from "../core/campaigns/unsubscribes.js";
import type { Core } from "../core/core.js";
import { isCoreError } from "../core/errors.js";
import { serverSecretOf } from "../core/settings.js";

export async function registerUnsubscribe(
  app: FastifyInstance,
  options: { core: Core; configuredSecret: string | undefined },
): Promise<void> {
  const handle = async (token: string, reply: FastifyReply) => {
    reply.type("text/plain; charset=utf-8").header("cache-control", "no-store");
    try {
      await unsubscribeByToken(
        options.core,
        await serverSecretOf(options.core, options.configuredSecret),
        token,
      );
    } catch (error) {
      if (!isCoreError(error)) throw error;
      return reply.code(400).send("This unsubscribe link is not valid.\n");
    }
    return reply.send("You are unsubscribed: you will receive no more of these messages.\n");
  };
  const schema = {
    summary: "Unsubscribe from a workspace's campaigns (the link in each campaign email)",
    params: {
      type: "object",
      properties: { token: { type: "string", maxLength: 2048 } },
      required: ["token"],
    },
  } as const;
  app.get<{ Params: { token: string } }>("/unsubscribe/:token", { schema }, (request, reply) =>
    handle(request.params.token, reply),
  );
  app.post<{ Params: { token: string } }>("/unsubscribe/:token", { schema }, (request, reply) =>
    handle(request.params.token, reply),
  );
}
