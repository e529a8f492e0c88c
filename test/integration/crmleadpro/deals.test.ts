import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`CRMLead Pro deals, pipelines and contacts (${engine})`, () => {
    let kit: TestKit;
    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST" | "PATCH", path: string, body?: unknown) =>
      crmleadpro(kit, method, path, { body });

    it("creates a deal in a pipeline and stage, moves it, and wins it", async () => {
      const lead = (await api("POST", "/leads", { name: "Deal Maker", email: "dm@example.com" })).json;
      const created = await api("POST", "/deals", {
        name: "Annual plan",
        pipeline: "sales",
        stage: "proposal",
        value: 12000.5,
        currency: "INR",
        lead_id: lead.id,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json).toMatchObject({
        id: expect.stringMatching(/^deal_[0-9A-Z]{26}$/),
        name: "Annual plan",
        pipeline: "sales",
        stage: "proposal",
        status: "open",
        value: 12000.5,
        currency: "INR",
        lead_id: lead.id,
      });
      const moved = await api("PATCH", `/deals/${created.json.id}`, { stage: "negotiation" });
      expect(moved.json).toMatchObject({ stage: "negotiation", status: "open" });
      const won = await api("PATCH", `/deals/${created.json.id}`, { status: "won" });
      expect(won.json).toMatchObject({ stage: "won", status: "won", won_at: expect.any(String) });
      expect((await api("GET", `/deals/${created.json.id}`)).json).toEqual(won.json);
      expect((await api("GET", "/deals?status=won")).json.data.map((d: { id: string }) => d.id)).toEqual([
        created.json.id,
      ]);
      // The same record is a Valethon opportunity.
      const seen = await call(kit, "GET", `${VALETHON}/opportunities?status=won`, { key: kit.secretKey });
      expect(seen.json.data.map((o: { name: string }) => o.name)).toEqual(["Annual plan"]);

      const bad = await api("POST", "/deals", { name: "X", pipeline: "nope" });
      expect(bad.statusCode).toBe(400);
      expect(bad.json.error).toMatchObject({ code: "validation_error", field: "pipeline" });
      const badStage = await api("POST", "/deals", { name: "X", stage: "nowhere" });
      expect(badStage.statusCode).toBe(400);
      expect(badStage.json.error.field).toBe("stage");
      expect((await api("GET", "/deals/deal_01J2XK3M4N5P6Q7R8S9T0V1W2X")).statusCode).toBe(404);
    });

    it("lists contacts with search and tags", async () => {
      await call(kit, "POST", `${VALETHON}/contacts`, {
        key: kit.secretKey,
        body: { first_name: "Tara", last_name: "Tag", email: "tara@example.com", tags: ["vip"] },
      });
      await call(kit, "POST", `${VALETHON}/contacts`, {
        key: kit.secretKey,
        body: { first_name: "Ned", email: "ned@example.com" },
      });
      const tagged = await api("GET", "/contacts?tag=vip");
      expect(tagged.statusCode, tagged.body).toBe(200);
      expect(tagged.json.data).toEqual([
        expect.objectContaining({
          id: expect.stringMatching(/^contact_[0-9A-Z]{26}$/),
          name: "Tara Tag",
          email: "tara@example.com",
          tags: ["vip"],
        }),
      ]);
      expect(
        (await api("GET", "/contacts?search=ned")).json.data.map((c: { name: string }) => c.name),
      ).toEqual(["Ned"]);
      expect((await api("GET", "/contacts")).json.pagination).toMatchObject({ total: 2, page: 1 });
    });

    it("publishes its OpenAPI document and lists it on /docs", async () => {
      const document = await kit.app.inject({ method: "GET", url: "/api/v1/openapi.json" });
      expect(document.statusCode).toBe(200);
      expect(Object.keys(document.json().paths)).toEqual(
        expect.arrayContaining(["/leads", "/leads/{id}", "/pipelines", "/deals", "/contacts"]),
      );
    });
  });
}
