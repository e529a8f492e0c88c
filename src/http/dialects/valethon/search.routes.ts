/**
 * Valethon global search (seed-apis.md Q1). No single permission: each result type needs its read
 * permission, and a key that may read none of the asked types is FORBIDDEN.
 */
import { CoreError, validationError } from "../../../core/errors.js";
import type { Permission } from "../../../core/keys/permissions.js";
import { SEARCH_LIMITS, searchRecords } from "../../../core/search/search.service.js";
import type { SearchableType } from "../../../core/search/search-documents.js";
import { STANDARD_ERRORS } from "./common.schemas.js";
import { scopeOf, type ValethonApp, type ValethonDeps } from "./context.js";
import { ok } from "./envelope.js";
import { SearchEnvelopeSchema, SearchQuerySchema, VALETHON_SEARCH_TYPES } from "./search.schemas.js";

type ValethonSearchType = (typeof VALETHON_SEARCH_TYPES)[number];

const TYPES: Record<ValethonSearchType, { core: SearchableType; permission: Permission; path: string }> = {
  lead: { core: "lead", permission: "leads:read", path: "leads" },
  contact: { core: "contact", permission: "contacts:read", path: "contacts" },
  prospect: { core: "company", permission: "prospects:read", path: "prospects" },
  opportunity: { core: "opportunity", permission: "opportunities:read", path: "opportunities" },
};

const BY_CORE_TYPE = new Map(
  Object.entries(TYPES).map(([name, type]) => [type.core, { name, path: type.path }] as const),
);

function parseTypes(text: string | undefined): ValethonSearchType[] {
  const names = (text ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) return [...VALETHON_SEARCH_TYPES];
  for (const name of names) {
    if (!(VALETHON_SEARCH_TYPES as readonly string[]).includes(name)) {
      throw validationError("types", `must be a comma-separated list of ${VALETHON_SEARCH_TYPES.join(", ")}`);
    }
  }
  return [...new Set(names)] as ValethonSearchType[];
}

export async function searchRoutes(app: ValethonApp, { core }: ValethonDeps): Promise<void> {
  app.get(
    "/search",
    {
      schema: {
        tags: ["Search"],
        summary: "Search leads, contacts, prospects and opportunities by name, email, phone or company",
        querystring: SearchQuerySchema,
        response: { 200: SearchEnvelopeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      if (query.q.trim() === "") throw validationError("q", "must not be blank");
      const asked = parseTypes(query.types);
      const permissions = request.principal!.permissions;
      const readable = asked.filter((name) => permissions.has(TYPES[name].permission));
      if (readable.length === 0) {
        const needed = asked.map((name) => TYPES[name].permission).join(" or ");
        throw new CoreError("FORBIDDEN", `this key lacks the ${needed} permission`);
      }
      const found = await searchRecords(core, scopeOf(request), {
        q: query.q,
        types: readable.map((name) => TYPES[name].core),
        limit: query.limit ?? SEARCH_LIMITS.defaultLimit,
      });
      return ok({
        results: found.results.map((hit) => {
          const type = BY_CORE_TYPE.get(hit.type)!;
          return {
            type: type.name,
            id: hit.number,
            title: hit.title,
            subtitle: hit.subtitle,
            score: hit.score,
            url: `/crm/${type.path}/${hit.number}`,
          };
        }),
        total: found.total,
      });
    },
  );
}
