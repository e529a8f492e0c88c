/** Registers one Epixel route at every spelling the document uses (see paths.ts). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Permission } from "../../../core/keys/permissions.js";
import { spellings } from "./paths.js";

export interface EpixelRouteOptions {
  summary: string;
  description?: string;
  /** The key permission the route needs (every secret key without scopes has them all). */
  permission?: Permission;
  /** Login and token refresh: the `apikey` alone. */
  public?: boolean;
}

export function epixelRoute(
  app: FastifyInstance,
  method: "GET" | "POST",
  path: string,
  options: EpixelRouteOptions,
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  spellings(path).forEach((url, index) => {
    app.route({
      method,
      url,
      config: {
        ...(options.permission ? { permission: options.permission } : {}),
        ...(options.public ? { epixelPublic: true } : {}),
      },
      schema: {
        summary: options.summary,
        ...(options.description ? { description: options.description } : {}),
        tags: ["epixel"],
        // The documented spelling is listed; the others answer the same and stay out of the list.
        ...(index === 0 ? {} : { hide: true }),
      },
      handler,
    });
  });
}
