import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

let counter = 0;

for (const engine of ENGINES) {
  describe(`Valethon lead conversion on ${engine}`, () => {
    let kit: TestKit;
    const request = (method: "GET" | "POST", path: string, body?: unknown, key = kit.secretKey) =>
      call(kit, method, `${VALETHON}${path}`, { key, body });
    const newLead = async (body: Record<string, unknown> = {}) => {
      const n = ++counter;
      const response = await request("POST", "/leads", {
        first_name: "Jane",
        last_name: `Convert${n}`,
        email: `jane${n}@convert.io`,
        phone: "+1 555 0101",
        company_name: `Convert Co ${n}`,
        ...body,
      });
      expect(response.statusCode).toBe(201);
      return response.json.data.lead_id as number;
    };
    const rowCount = async (table: "contacts" | "companies" | "opportunities" | "events") =>
      Number(
        (
          await kit.core.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("workspace_id", "=", kit.workspace.id)
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("creates the contact, the prospect and the opportunity, links them and marks the lead converted", async () => {
      const id = await newLead();
      const response = await request("POST", `/leads/${id}/convert`, {
        create_contact: true,
        create_prospect: true,
        create_opportunity: true,
        opportunity_name: "Managed services",
        opportunity_value: 50000,
      });
      expect(response.statusCode).toBe(200);
      const data = response.json.data;
      expect(data).toMatchObject({
        lead_id: id,
        contact_id: expect.any(Number),
        prospect_id: expect.any(Number),
        opportunity_id: expect.any(Number),
        lead_status: "converted",
        dry_run: false,
        contact: { action: "create", contact_id: data.contact_id },
        prospect: { action: "create", prospect_id: data.prospect_id },
        opportunity: { action: "create", opportunity_id: data.opportunity_id },
      });

      const lead = await request("GET", `/leads/${id}`);
      expect(lead.json.data.status).toBe("converted");
      const contact = await request("GET", `/contacts/${data.contact_id}`);
      expect(contact.json.data).toMatchObject({
        email: `jane${counter}@convert.io`,
        prospect_id: data.prospect_id,
      });
      const prospect = await request("GET", `/prospects/${data.prospect_id}`);
      expect(prospect.json.data.name).toBe(`Convert Co ${counter}`);
      const opportunity = await request("GET", `/opportunities/${data.opportunity_id}`);
      expect(opportunity.json.data).toMatchObject({
        name: "Managed services",
        value: 50000,
        prospect_id: data.prospect_id,
        contact_id: data.contact_id,
      });

      const event = await kit.core.db
        .selectFrom("events")
        .select("data")
        .where("workspace_id", "=", kit.workspace.id)
        .where("type", "=", "lead.converted")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.data)).toMatchObject({ number: id, status: "converted" });
    });

    it("refuses a second conversion with 409 and creates nothing more", async () => {
      const id = await newLead();
      expect((await request("POST", `/leads/${id}/convert`, {})).statusCode).toBe(200);
      const before = [await rowCount("contacts"), await rowCount("companies"), await rowCount("events")];
      const again = await request("POST", `/leads/${id}/convert`, {});
      expect(again.statusCode).toBe(409);
      expect(again.json).toMatchObject({ success: false, code: "CONFLICT" });
      expect([await rowCount("contacts"), await rowCount("companies"), await rowCount("events")]).toEqual(
        before,
      );
    });

    it("lets only one of two simultaneous conversions through", async () => {
      const id = await newLead();
      const results = await Promise.all([
        request("POST", `/leads/${id}/convert`, {}),
        request("POST", `/leads/${id}/convert`, {}),
      ]);
      expect(results.map((response) => response.statusCode).sort()).toEqual([200, 409]);
      const contacts = await kit.core.db
        .selectFrom("contacts")
        .select("id")
        .where("workspace_id", "=", kit.workspace.id)
        .where("email_normalized", "=", `jane${counter}@convert.io`)
        .execute();
      expect(contacts).toHaveLength(1);
    });

    it("reuses a contact with the same email and a company with the same name", async () => {
      const contact = await request("POST", "/contacts", {
        first_name: "Existing",
        email: "reuse@convert.io",
      });
      const prospect = await request("POST", "/prospects", { name: "Reuse Corp" });
      const id = await newLead({ email: "REUSE@convert.io", company_name: "reuse corp" });
      const response = await request("POST", `/leads/${id}/convert`, {});
      expect(response.json.data).toMatchObject({
        contact_id: contact.json.data.contact_id,
        prospect_id: prospect.json.data.prospect_id,
        opportunity_id: null,
        contact: { action: "reuse" },
        prospect: { action: "reuse" },
        opportunity: { action: "none", opportunity_id: null },
      });
    });

    it("answers a dry run with the plan and writes nothing", async () => {
      await request("POST", "/prospects", { name: "Dry Corp" });
      const id = await newLead({ company_name: "Dry Corp" });
      const before = [await rowCount("contacts"), await rowCount("companies"), await rowCount("events")];
      const response = await request("POST", `/leads/${id}/convert`, {
        dry_run: true,
        create_opportunity: true,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json.data).toMatchObject({
        lead_id: id,
        lead_status: "new",
        dry_run: true,
        contact: { action: "create", contact_id: null },
        prospect: { action: "reuse", prospect_id: expect.any(Number) },
        opportunity: { action: "create", opportunity_id: null },
      });
      expect([await rowCount("contacts"), await rowCount("companies"), await rowCount("events")]).toEqual(
        before,
      );
      expect((await request("GET", `/leads/${id}`)).json.data.status).toBe("new");
    });

    it("leaves nothing behind when a step fails midway", async () => {
      const id = await newLead();
      const before = [
        await rowCount("contacts"),
        await rowCount("companies"),
        await rowCount("opportunities"),
        await rowCount("events"),
      ];
      // The contact and the company come first; then the opportunity finds its pipeline gone.
      const pipelines = await kit.core.db
        .selectFrom("pipelines")
        .select(["id", "is_default"])
        .where("workspace_id", "=", kit.workspace.id)
        .where("is_default", "=", 1)
        .execute();
      await kit.core.db
        .updateTable("pipelines")
        .set({ is_default: 0 })
        .where("workspace_id", "=", kit.workspace.id)
        .execute();
      await kit.core.db
        .insertInto("pipelines")
        .values({
          id: "00000000-0000-7000-8000-0000000000aa",
          workspace_id: kit.workspace.id,
          seq: 999,
          key: "empty",
          name: "Empty",
          is_default: 1,
          created_at: "2026-01-01T00:00:00.000Z",
          updated_at: "2026-01-01T00:00:00.000Z",
        })
        .execute();
      try {
        const response = await request("POST", `/leads/${id}/convert`, { create_opportunity: true });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
      } finally {
        await kit.core.db
          .deleteFrom("pipelines")
          .where("id", "=", "00000000-0000-7000-8000-0000000000aa")
          .execute();
        for (const pipeline of pipelines) {
          await kit.core.db
            .updateTable("pipelines")
            .set({ is_default: 1 })
            .where("id", "=", pipeline.id)
            .execute();
        }
      }
      expect([
        await rowCount("contacts"),
        await rowCount("companies"),
        await rowCount("opportunities"),
        await rowCount("events"),
      ]).toEqual(before);
      const lead = await request("GET", `/leads/${id}`);
      expect(lead.json.data.status).toBe("new");
      expect((await request("POST", `/leads/${id}/convert`, { create_opportunity: true })).statusCode).toBe(
        200,
      );
    });

    it("validates the options, naming the field", async () => {
      const id = await newLead({ company_name: null });
      const noCompany = await request("POST", `/leads/${id}/convert`, { create_prospect: true });
      expect(noCompany.statusCode).toBe(400);
      expect(noCompany.json.error).toMatch(/^create_prospect:/);
      const value = await request("POST", `/leads/${id}/convert`, {
        create_opportunity: true,
        opportunity_value: -1,
      });
      expect(value.statusCode).toBe(400);
      expect(value.json.error).toMatch(/^opportunity_value:/);
      const nothing = await request("POST", `/leads/${id}/convert`, {
        create_contact: false,
        create_prospect: false,
      });
      expect(nothing.statusCode).toBe(400);
      expect((await request("POST", "/leads/99999/convert", {})).statusCode).toBe(404);
    });

    it("needs the permissions of what it creates, and never reaches another workspace", async () => {
      const id = await newLead();
      const leadsOnly = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["leads:read", "leads:write"],
        rateLimit: 100000,
      });
      const forbidden = await request("POST", `/leads/${id}/convert`, {}, leadsOnly);
      expect(forbidden.statusCode).toBe(403);
      const foreign = await request("POST", `/leads/${id}/convert`, {}, kit.other.secretKey);
      expect(foreign.statusCode).toBe(404);
      expect((await request("GET", `/leads/${id}`)).json.data.status).toBe("new");
    });
  });
}
