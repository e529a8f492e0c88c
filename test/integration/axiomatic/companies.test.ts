import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateCompany } from "../../../src/core/companies/companies.service.js";
import { createUser } from "../../../src/core/users/users.service.js";
import { startTestKit, type TestKit } from "../../support/app.js";
import { axiomatic } from "../../support/axiomatic.js";
import { ENGINES } from "../../support/engines.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

for (const engine of ENGINES) {
  describe(`Axiomatic companies (${engine})`, () => {
    let kit: TestKit;
    let userId: string;
    beforeAll(async () => {
      kit = await startTestKit(engine);
      userId = (
        await createUser(kit.core, kit.scope, { username: "olga", name: "Olga", email: "olga@example.com" })
      ).id;
    });
    afterAll(async () => {
      await kit.close();
    });

    const api = (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) =>
      axiomatic(kit, method, path, { body });

    it("creates with only a name, and reads it back", async () => {
      const created = await api("POST", "/companies", { name: "  Globex  " });
      expect(created.statusCode).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(UUID),
        name: "Globex",
        role: "prospect",
        status: "active",
        website: null,
        industry: null,
        phone: null,
        email: null,
        ownerUserId: null,
        createdAt: expect.stringMatching(TIME),
        updatedAt: created.json.createdAt,
      });
      const read = await api("GET", `/companies/${created.json.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json).toEqual(created.json);
    });

    it("creates with every field and patches partially", async () => {
      const created = await api("POST", "/companies", {
        name: "Initech",
        role: "vendor",
        status: "inactive",
        website: "https://initech.example",
        industry: "Software",
        phone: "+1 555 0100",
        email: "hello@initech.example",
        ownerUserId: userId,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json).toMatchObject({ role: "vendor", status: "inactive", ownerUserId: userId });
      const patched = await api("PATCH", `/companies/${created.json.id}`, {
        role: "both",
        ownerUserId: null,
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json).toMatchObject({
        name: "Initech",
        role: "both",
        status: "inactive",
        industry: "Software",
        ownerUserId: null,
      });
      const empty = await api("PATCH", `/companies/${created.json.id}`, {});
      expect(empty.statusCode).toBe(200);
      expect(empty.json).toEqual(patched.json);
    });

    it("rejects bad input with an error naming the field", async () => {
      const cases: [unknown, string][] = [
        [{}, "name: is required"],
        [{ name: "" }, "name: must not be empty"],
        [{ name: "X", role: "partner" }, "role: must be one of prospect, customer, vendor, both"],
        [{ name: "X", status: "archived" }, "status: must be one of active, inactive"],
        [{ name: "X", ownerUserId: "nope" }, "ownerUserId: must match format uuid"],
        [
          { name: "X", ownerUserId: "0190a7c4-0000-7000-8000-000000000000" },
          "ownerUserId: no such user in this workspace",
        ],
        [{ name: "X", website: "not a site" }, "website: must be a web address such as https://example.com"],
        [{ name: 42 }, "name: must be a string"],
      ];
      for (const [body, error] of cases) {
        const response = await api("POST", "/companies", body);
        expect({ body, status: response.statusCode, json: response.json }).toEqual({
          body,
          status: 400,
          json: { error },
        });
      }
      const badJson = await axiomatic(kit, "POST", "/companies", {
        body: "{not json",
        headers: { "content-type": "application/json" },
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json).toEqual({ error: "body: must be valid JSON" });
    });

    it("answers 404 for an unknown id and 400 for a malformed one", async () => {
      const missing = "0190a7c4-0000-7000-8000-000000000000";
      for (const [method, path] of [
        ["GET", `/companies/${missing}`],
        ["PATCH", `/companies/${missing}`],
        ["GET", `/companies/${missing}/contacts`],
      ] as const) {
        const response = await api(method, path, method === "PATCH" ? { name: "Y" } : undefined);
        expect(response.statusCode).toBe(404);
        expect(response.json).toEqual({ error: "company not found" });
      }
      const malformed = await api("GET", "/companies/42");
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json).toEqual({ error: "id: must match format uuid" });
    });

    describe("list filters", () => {
      let ids: Record<string, string>;
      let scoped: TestKit;
      beforeAll(async () => {
        // A fresh workspace, so the filters see only these companies.
        const fresh = await kit.newWorkspace("Filters");
        scoped = { ...kit, ...fresh };
        const owner = (
          await createUser(kit.core, fresh.scope, { username: "ann", name: "Ann", email: "ann@example.com" })
        ).id;
        const make = async (body: Record<string, unknown>) =>
          (await axiomatic(scoped, "POST", "/companies", { body })).json.id as string;
        ids = {
          alpha: await make({ name: "Alpha Prospect", role: "prospect", ownerUserId: owner }),
          beta: await make({ name: "Beta Customer", role: "customer", status: "inactive" }),
          gamma: await make({ name: "Gamma 100% Vendor", role: "vendor", ownerUserId: owner }),
          delta: await make({ name: "Delta Both", role: "both" }),
        };
        ids.owner = owner;
      });
      const names = async (query: string) => {
        const response = await axiomatic(scoped, "GET", `/companies${query}`);
        expect(response.statusCode).toBe(200);
        return (response.json.companies as { name: string }[]).map((company) => company.name).sort();
      };

      it("filters by role, status (including status=prospect), owner and name", async () => {
        expect(await names("?role=customer")).toEqual(["Beta Customer"]);
        expect(await names("?status=inactive")).toEqual(["Beta Customer"]);
        expect(await names("?status=active")).toEqual(["Alpha Prospect", "Delta Both", "Gamma 100% Vendor"]);
        expect(await names("?status=prospect")).toEqual(["Alpha Prospect"]);
        expect(await names("?status=prospect&role=prospect")).toEqual(["Alpha Prospect"]);
        expect(await names(`?ownerUserId=${ids.owner}`)).toEqual(["Alpha Prospect", "Gamma 100% Vendor"]);
        expect(await names("?ownerUserId=unassigned")).toEqual(["Beta Customer", "Delta Both"]);
        expect(await names("?ownerUserId=me")).toEqual([]);
        expect(await names("?q=ALPHA")).toEqual(["Alpha Prospect"]);
        expect(await names("?q=100%25")).toEqual(["Gamma 100% Vendor"]);
        expect(await names("?q=a&role=vendor&ownerUserId=unassigned")).toEqual([]);
      });

      it("reads converted as active and archived as inactive, and keeps them on an equal patch", async () => {
        await updateCompany(kit.core, { ...scoped.scope }, { id: ids.delta! }, { status: "archived" });
        expect(await names("?status=inactive")).toEqual(["Beta Customer", "Delta Both"]);
        const same = await axiomatic(scoped, "PATCH", `/companies/${ids.delta}`, {
          body: { status: "inactive" },
        });
        expect(same.json.status).toBe("inactive");
        const row = await kit.core.db
          .selectFrom("companies")
          .select("status")
          .where("id", "=", ids.delta!)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe("archived");
        const reactivated = await axiomatic(scoped, "PATCH", `/companies/${ids.delta}`, {
          body: { status: "active" },
        });
        expect(reactivated.json.status).toBe("active");
      });

      it("pages with page/pageSize and the legacy limit", async () => {
        const first = await axiomatic(scoped, "GET", "/companies?page=1&pageSize=3");
        expect(first.json).toMatchObject({ total: 4, page: 1, pageSize: 3 });
        expect(first.json.companies).toHaveLength(3);
        const second = await axiomatic(scoped, "GET", "/companies?page=2&pageSize=3");
        expect(second.json.companies).toHaveLength(1);
        const seen = [...first.json.companies, ...second.json.companies].map(
          (company: { id: string }) => company.id,
        );
        expect(new Set(seen).size).toBe(4);
        const legacy = await axiomatic(scoped, "GET", "/companies?limit=2");
        expect(legacy.json).toMatchObject({ total: 4, page: 1, pageSize: 2 });
        expect(legacy.json.companies).toHaveLength(2);
        const limitIgnored = await axiomatic(scoped, "GET", "/companies?page=1&limit=2");
        expect(limitIgnored.json).toMatchObject({ pageSize: 25 });
        expect(limitIgnored.json.companies).toHaveLength(4);
      });

      it("rejects bad filters naming the parameter", async () => {
        const cases: [string, string][] = [
          ["?role=partner", "role: must be one of prospect, customer, vendor, both"],
          ["?status=archived", "status: must be one of active, inactive, prospect"],
          ["?status=prospect&role=vendor", "status: prospect contradicts role=vendor"],
          ["?ownerUserId=someone", "ownerUserId: must be a user UUID, me or unassigned"],
          ["?page=0", "page: must be at least 1"],
          ["?pageSize=101", "pageSize: must be at most 100"],
          ["?limit=500", "limit: must be at most 100"],
          ["?page=x", "page: must be a whole number"],
        ];
        for (const [query, error] of cases) {
          const response = await axiomatic(scoped, "GET", `/companies${query}`);
          expect({ query, status: response.statusCode, json: response.json }).toEqual({
            query,
            status: 400,
            json: { error },
          });
        }
      });

      it("keeps each workspace's companies to itself", async () => {
        const theirs = await axiomatic(kit, "GET", "/companies?pageSize=100");
        const theirIds = theirs.json.companies.map((company: { id: string }) => company.id);
        for (const id of Object.values(ids)) expect(theirIds).not.toContain(id);
        const read = await axiomatic(kit, "GET", `/companies/${ids.alpha}`);
        expect(read.statusCode).toBe(404);
        const patch = await axiomatic(kit, "PATCH", `/companies/${ids.alpha}`, { body: { name: "Stolen" } });
        expect(patch.statusCode).toBe(404);
      });
    });
  });
}
