/**
 * OpenAPI documents, one per mounted dialect (`<base>/openapi.json`), generated from the route
 * schemas, plus one for the operations routes; `/docs` shows them all with Swagger UI, whose
 * assets are served from the installed package (no CDN).
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

export interface DocumentedDialect {
  name: string;
  title: string;
  prefix: string;
  description: string;
}

const decoratorOf = (dialect: DocumentedDialect) => `${dialect.name}OpenApi`;

const isUnder = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/** Registers the generators. Call before any route is added: they collect routes as they come. */
export async function registerDocs(app: FastifyInstance, dialects: DocumentedDialect[]): Promise<void> {
  const prefixes = dialects.map((dialect) => dialect.prefix);
  for (const dialect of dialects) {
    await app.register(swagger, {
      decorator: decoratorOf(dialect),
      openapi: {
        openapi: "3.0.3",
        info: { title: dialect.title, version: "1", description: dialect.description },
        servers: [{ url: dialect.prefix }],
      },
      transform: ({ schema, url }) => {
        const own = isUnder(url, dialect.prefix) && !url.endsWith("/openapi.json");
        return {
          schema: own ? schema : { ...schema, hide: true },
          url: own ? url.slice(dialect.prefix.length) || "/" : url,
        };
      },
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "Kith operations", version: "1", description: "Health, readiness and metrics." },
    },
    transform: ({ schema, url }) => {
      const hidden = prefixes.some((prefix) => isUnder(url, prefix)) || url.startsWith("/docs");
      return { schema: hidden ? { ...schema, hide: true } : schema, url };
    },
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: {
      urls: [
        ...dialects.map((dialect) => ({ url: `${dialect.prefix}/openapi.json`, name: dialect.title })),
        { url: "/docs/json", name: "Kith operations" },
      ],
    },
  });
  for (const dialect of dialects) {
    app.get(`${dialect.prefix}/openapi.json`, { schema: { hide: true } }, async () =>
      (app as any)[decoratorOf(dialect)](),
    );
  }
}
