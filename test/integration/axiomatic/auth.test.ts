import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKit, type TestKit } from "../../support/app.js";
import { AXIOMATIC, axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Axiomatic auth and entity (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => {
      await kit.close();
    });

    const other = () => kit.other.workspace.id;

    it("refuses a missing or unknown key with 401 and an error body", async () => {
      const none = await axiomatic(kit, "GET", "/companies", { key: null });
      expect(none.statusCode).toBe(401);
      expect(none.json).toEqual({ error: expect.stringContaining("Authorization: Bearer") });
      const unknown = await axiomatic(kit, "GET", "/companies", { key: "ak_not_a_real_key" });
      expect(unknown.statusCode).toBe(401);
      const notBearer = await axiomatic(kit, "GET", "/companies", {
        key: null,
        headers: { authorization: `Basic ${kit.secretKey}` },
      });
      expect(notBearer.statusCode).toBe(401);
    });

    it("accepts the key as Bearer (ak_ format) and as x-api-key", async () => {
      const akKey = await kit.newKey(kit.scope, { type: "secret", format: "axiomatic", rateLimit: 100_000 });
      expect(akKey).toMatch(/^ak_/);
      const bearer = await axiomatic(kit, "GET", "/companies", { key: akKey });
      expect(bearer.statusCode).toBe(200);
      expect(bearer.headers["x-ratelimit-limit"]).toBe("100000");
      const header = await axiomatic(kit, "GET", "/companies", {
        key: null,
        headers: { "x-api-key": akKey },
      });
      expect(header.statusCode).toBe(200);
    });

    it("requires entityId and names it", async () => {
      const missing = await axiomatic(kit, "GET", "/companies", { entityId: null });
      expect(missing.statusCode).toBe(400);
      expect(missing.json.error).toMatch(/^entityId: is required/);
      const malformed = await axiomatic(kit, "GET", "/companies", { entityId: "not-a-uuid" });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json).toEqual({ error: "entityId: must be a UUID" });
    });

    it("reads entityId from each documented source", async () => {
      const id = kit.workspace.id;
      const sources = [
        await axiomatic(kit, "GET", `/companies?entityId=${id}`, { entityId: null }),
        await axiomatic(kit, "GET", `/companies?entity_id=${id}`, { entityId: null }),
        await axiomatic(kit, "GET", "/companies", { entityId: null, headers: { "x-entity-id": id } }),
        await axiomatic(kit, "POST", "/companies", {
          entityId: null,
          body: { entityId: id, name: "Body Entity" },
        }),
      ];
      expect(sources.map((response) => response.statusCode)).toEqual([200, 200, 200, 201]);
      expect(sources[3]!.json).not.toHaveProperty("entityId");
    });

    it("takes the first source in the documented order, and refuses another entity with 403", async () => {
      const mine = kit.workspace.id;
      const theirs = other();
      const cases: [string, Record<string, string>, unknown, number][] = [
        [`?entityId=${mine}&entity_id=${theirs}`, {}, undefined, 200],
        [`?entityId=${theirs}&entity_id=${mine}`, {}, undefined, 403],
        [`?entity_id=${mine}`, { "x-entity-id": theirs }, undefined, 200],
        [`?entity_id=${theirs}`, { "x-entity-id": mine }, undefined, 403],
        ["", { "x-entity-id": mine }, { entityId: theirs, name: "Header wins" }, 201],
        ["", { "x-entity-id": theirs }, { entityId: mine, name: "Header wins" }, 403],
        [`?entityId=${mine}`, {}, { entityId: theirs, name: "Query wins" }, 201],
      ];
      for (const [query, headers, body, status] of cases) {
        const response = await axiomatic(kit, body ? "POST" : "GET", `/companies${query}`, {
          entityId: null,
          headers,
          body,
        });
        expect({ query, headers, status: response.statusCode }).toEqual({ query, headers, status });
        if (status === 403) {
          expect(response.json).toEqual({ error: "entityId: does not match the API key's entity" });
        }
      }
    });

    it("refuses another workspace's entity even for a read of its own id", async () => {
      const created = await axiomatic(kit, "POST", "/companies", { body: { name: "Mine Only" } });
      const crossed = await axiomatic(kit, "GET", `/companies/${created.json.id}`, { entityId: other() });
      expect(crossed.statusCode).toBe(403);
      // The other workspace's own key and entity cannot see it either.
      const theirs = await axiomatic(kit, "GET", `/companies/${created.json.id}`, {
        key: kit.other.secretKey,
        entityId: other(),
      });
      expect(theirs.statusCode).toBe(404);
    });

    it("applies read:crm and write:crm scopes", async () => {
      const reader = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["read:crm"],
        rateLimit: 100_000,
      });
      const writer = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["write:crm"],
        rateLimit: 100_000,
      });
      const leadsOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read"],
        rateLimit: 100_000,
      });
      expect((await axiomatic(kit, "GET", "/companies", { key: reader })).statusCode).toBe(200);
      expect((await axiomatic(kit, "GET", "/contacts", { key: reader })).statusCode).toBe(200);
      const refused = await axiomatic(kit, "POST", "/companies", { key: reader, body: { name: "Nope" } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ error: "this key lacks the prospects:write permission" });
      expect(
        (await axiomatic(kit, "POST", "/companies", { key: writer, body: { name: "Yes" } })).statusCode,
      ).toBe(201);
      expect((await axiomatic(kit, "GET", "/companies", { key: writer })).statusCode).toBe(200);
      expect((await axiomatic(kit, "GET", "/contacts", { key: leadsOnly })).statusCode).toBe(403);
    });

    it("refuses public keys with 403", async () => {
      const publicKey = await kit.newKey(kit.scope, { type: "public_live" });
      const response = await axiomatic(kit, "GET", "/companies", { key: publicKey });
      expect(response.statusCode).toBe(403);
      expect(response.json).toEqual({ error: "public keys cannot call this API; use a secret key" });
    });

    it("rate limits per key with 429, Retry-After and an error body", async () => {
      const limited = await kit.newKey(kit.scope, { type: "secret", rateLimit: 2 });
      for (let i = 0; i < 2; i++) {
        expect((await axiomatic(kit, "GET", "/companies", { key: limited })).statusCode).toBe(200);
      }
      const refused = await axiomatic(kit, "GET", "/companies", { key: limited });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(refused.json.error).toMatch(/rate limit/);
    });

    it("answers an unknown endpoint with 404 and an error body", async () => {
      const response = await axiomatic(kit, "GET", "/nothing-here");
      expect(response.statusCode).toBe(404);
      expect(response.json).toEqual({ error: "no endpoint GET /api/crm/nothing-here" });
    });

    it("publishes its OpenAPI document and lists it on /docs", async () => {
      const document = await kit.app.inject({ method: "GET", url: `${AXIOMATIC}/openapi.json` });
      expect(document.statusCode).toBe(200);
      const openapi = document.json();
      expect(openapi.openapi).toMatch(/^3\./);
      expect(openapi.servers).toEqual([{ url: AXIOMATIC }]);
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining([
          "/companies",
          "/companies/{id}",
          "/companies/{id}/contacts",
          "/contacts",
          "/contacts/{id}",
          "/contacts/{id}/company-memberships",
          "/contacts/{id}/company-memberships/{membershipId}",
        ]),
      );
      // Exactly the 34 operations of the seed document, no more.
      const operations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
        Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          "POST /prospecting/add-to-marketing-list",
          "GET /dashboard",
          "GET /companies",
          "POST /companies",
          "GET /companies/{id}",
          "PATCH /companies/{id}",
          "GET /companies/{id}/contacts",
          "GET /contacts",
          "POST /contacts",
          "GET /contacts/{id}",
          "PATCH /contacts/{id}",
          "DELETE /contacts/{id}",
          "GET /contacts/{id}/company-memberships",
          "POST /contacts/{id}/company-memberships",
          "PATCH /contacts/{id}/company-memberships/{membershipId}",
          "DELETE /contacts/{id}/company-memberships/{membershipId}",
          "GET /pipeline-stages",
          "POST /pipeline-stages",
          "POST /pipeline-stages/reorder",
          "PATCH /pipeline-stages/{id}",
          "DELETE /pipeline-stages/{id}",
          "GET /leads",
          "POST /leads",
          "GET /leads/{id}",
          "PATCH /leads/{id}",
          "DELETE /leads/{id}",
          "GET /leads/{id}/timeline",
          "PATCH /leads/{id}/stage",
          "POST /leads/{id}/activities",
          "GET /activities",
          "POST /activities",
          "GET /tasks",
          "POST /outbound-email",
          "GET /outbound-email-connections",
        ].sort(),
      );
      const initializer = await kit.app.inject({ method: "GET", url: "/docs/static/swagger-initializer.js" });
      expect(initializer.body).toContain(`${AXIOMATIC}/openapi.json`);
    });
  });
}
