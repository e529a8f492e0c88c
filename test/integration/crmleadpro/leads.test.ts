import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../src/core/users/users.service.js";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { crmleadpro } from "../../support/crmleadpro.js";
import { ENGINES } from "../../support/engines.js";

const LEAD_ID = /^lead_[0-9A-HJKMNP-TV-Z]{26}$/;
const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const engine of ENGINES) {
  describe(`CRMLead Pro leads (${engine})`, () => {
    let kit: TestKit;
    let key: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      key = await kit.newKey(kit.scope, { type: "secret", format: "crmleadpro" });
      await createUser(kit.core, kit.scope, {
        username: "sales_rep_01",
        name: "Rep",
        email: "rep@example.com",
      });
    });
    afterAll(async () => kit?.close());

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      crmleadpro(kit, method, path, { key, body });

    it("issues crmlp_live_ keys of the documented form", () => {
      expect(key).toMatch(/^crmlp_live_[A-Za-z0-9]{32}$/);
    });

    it("creates the seed's sample lead and returns the documented object with its history", async () => {
      const created = await api("POST", "/leads", {
        name: "Rajesh Kumar",
        email: "rajesh@startup.in",
        phone: "+91 98765 00001",
        source: "website_form",
        pipeline: "sales",
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(LEAD_ID),
        uuid: expect.any(String),
        name: "Rajesh Kumar",
        email: "rajesh@startup.in",
        phone: "+91 98765 00001",
        company: null,
        status: "new",
        pipeline_stage: "discovery",
        score: null,
        source: "website_form",
        assigned_to: null,
        tags: [],
        archived: false,
        created_at: expect.stringMatching(SECONDS),
        updated_at: expect.stringMatching(SECONDS),
      });
      const id = created.json.id;
      const patched = await api("PATCH", `/leads/${id}`, {
        status: "qualified",
        pipeline_stage: "demo_scheduled",
        score: 87,
        company: "Acme Corp",
        assigned_to: "user_sales_rep_01",
        tags: ["hot-lead", "enterprise"],
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json).toMatchObject({
        status: "qualified",
        pipeline_stage: "demo_scheduled",
        score: 87,
        company: "Acme Corp",
        assigned_to: "user_sales_rep_01",
        tags: ["hot-lead", "enterprise"],
      });

      const read = await api("GET", `/leads/${id}`);
      expect(read.statusCode, read.body).toBe(200);
      const { history, ...lead } = read.json;
      expect(lead).toEqual(patched.json);
      expect(history.map((item: { type: string }) => item.type)).toEqual([
        "created",
        "updated",
        "stage_changed",
      ]);
      expect(history[1].changes).toMatchObject({
        status: { from: "new", to: "qualified" },
        score: { from: null, to: 87 },
        company: { from: null, to: "Acme Corp" },
        tags: { from: [], to: ["hot-lead", "enterprise"] },
      });
      expect(history[2]).toMatchObject({ type: "stage_changed", from: "Discovery", to: "Demo scheduled" });
    });

    it("lists with filters, search, sort and pages in one shape", async () => {
      for (const [name, source, tag] of [
        ["Ana One", "ads", "vip"],
        ["Ben Two", "ads", "cold"],
        ["Cy Three", "event", "vip"],
      ] as const) {
        expect(
          (
            await api("POST", "/leads", {
              name,
              email: `${name.split(" ")[0]}@list.example`,
              source,
              tags: [tag],
            })
          ).statusCode,
        ).toBe(201);
      }
      const names = async (query: string) => {
        const response = await api("GET", `/leads?${query}`);
        expect(response.statusCode, response.body).toBe(200);
        return response.json.data.map((lead: { name: string }) => lead.name);
      };
      expect(await names("source=ads")).toEqual(["Ben Two", "Ana One"]);
      expect(await names("tag=VIP")).toEqual(["Cy Three", "Ana One"]);
      expect(await names("source=ads&sort=name&order=asc")).toEqual(["Ana One", "Ben Two"]);
      expect(await names("search=ben")).toEqual(["Ben Two"]);
      expect(await names("pipeline_stage=demo_scheduled")).toEqual(["Rajesh Kumar"]);
      expect(await names("assigned_to=user_sales_rep_01")).toEqual(["Rajesh Kumar"]);
      const page = await api("GET", "/leads?source=ads&per_page=1&page=2");
      expect(page.json.pagination).toEqual({ page: 2, per_page: 1, total: 2, total_pages: 2 });
    });

    it("archives: hidden from lists, still resolvable with its history, restorable", async () => {
      const lead = (await api("POST", "/leads", { name: "Gone Soon", email: "gone@example.com" })).json;
      const archived = await api("DELETE", `/leads/${lead.id}`);
      expect(archived.statusCode).toBe(200);
      expect(archived.json).toEqual({ id: lead.id, uuid: lead.uuid, archived: true });
      expect(await api("GET", "/leads?search=gone").then((r) => r.json.pagination.total)).toBe(0);
      expect((await api("GET", "/leads?archived=true")).json.data.map((l: { id: string }) => l.id)).toEqual([
        lead.id,
      ]);
      const still = await api("GET", `/leads/${lead.id}`);
      expect(still.statusCode).toBe(200);
      expect(still.json.archived).toBe(true);
      expect(still.json.history.map((item: { type: string }) => item.type)).toEqual(["created", "archived"]);
      // Same record elsewhere: gone from Valethon and Axiomatic while archived.
      expect((await axiomatic(kit, "GET", `/leads/${lead.uuid}`)).statusCode).toBe(404);

      const restored = await api("POST", `/leads/${lead.id}/restore`);
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json.archived).toBe(false);
      expect((await api("GET", "/leads?search=gone")).json.pagination.total).toBe(1);
      expect((await axiomatic(kit, "GET", `/leads/${lead.uuid}`)).json.email).toBe("gone@example.com");
    });

    it("is the same lead through Valethon and Axiomatic", async () => {
      const lead = (
        await api("POST", "/leads", {
          name: "Cross Over",
          email: "cross@example.com",
          pipeline_stage: "proposal",
        })
      ).json;
      const board = await axiomatic(kit, "GET", `/leads/${lead.uuid}`);
      expect(board.json).toMatchObject({ title: "Cross Over", stage: { systemKey: "proposal" } });
      const list = await call(kit, "GET", `${VALETHON}/leads?search=cross`, { key: kit.secretKey });
      expect(list.json.data.map((l: { uuid: string }) => l.uuid)).toEqual([lead.uuid]);
    });

    it("answers errors in one body naming the field", async () => {
      const cases: [string, string, unknown, number, string, string | null][] = [
        ["POST", "/leads", { email: "not-mail" }, 400, "validation_error", "email"],
        ["POST", "/leads", { name: "X", pipeline: "other" }, 400, "validation_error", "pipeline"],
        [
          "POST",
          "/leads",
          { name: "X", email: "x@example.com", pipeline_stage: "nowhere" },
          400,
          "validation_error",
          "pipeline_stage",
        ],
        [
          "POST",
          "/leads",
          { name: "X", email: "x2@example.com", assigned_to: "bob" },
          400,
          "validation_error",
          "assigned_to",
        ],
        ["POST", "/leads", { name: "Dup", email: "rajesh@startup.in" }, 409, "duplicate", "email"],
        ["GET", "/leads/lead_nope", undefined, 400, "validation_error", "id"],
        ["GET", "/leads/lead_01J2XK3M4N5P6Q7R8S9T0V1W2X", undefined, 404, "not_found", null],
      ];
      for (const [method, path, body, status, code, field] of cases) {
        const response = await api(method as "GET", path, body);
        expect({ path, body, status: response.statusCode }).toEqual({ path, body, status });
        expect(response.json.error).toMatchObject({ code, field, message: expect.any(String) });
      }
      const anonymous = await crmleadpro(kit, "GET", "/leads", { key: null });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json.error.code).toBe("unauthorized");
      const other = await crmleadpro(kit, "GET", `/leads?search=rajesh`, { key: kit.other.secretKey });
      expect(other.json.pagination.total).toBe(0);
    });

    it("limits a growth workspace to 1,000 requests a minute unless the key says otherwise", async () => {
      const response = await api("GET", "/pipelines");
      expect(response.statusCode).toBe(200);
      expect(response.headers["x-ratelimit-limit"]).toBe("1000");
      expect(response.json.data[0]).toMatchObject({ key: "sales", is_default: true });
      expect(response.json.data[0].stages.map((s: { key: string }) => s.key)).toContain("demo_scheduled");
    });
  });
}
