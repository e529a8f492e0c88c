import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestKit, type TestKit, VALETHON } from "../../support/app.js";
import { ENGINES } from "../../support/engines.js";

for (const engine of ENGINES) {
  describe(`Valethon search on ${engine}`, () => {
    let kit: TestKit;
    const leads = `${VALETHON}/leads`;
    const search = (query: string, key = kit.secretKey) =>
      call(kit, "GET", `${VALETHON}/search?${query}`, { key });
    const q = (text: string, extra = "") => search(`q=${encodeURIComponent(text)}${extra}`);
    const createLead = async (body: Record<string, unknown>, key = kit.secretKey) => {
      const response = await call(kit, "POST", leads, { key, body });
      expect(response.statusCode).toBe(201);
      return response.json.data.lead_id as number;
    };

    beforeAll(async () => {
      kit = await startTestKit(engine);
    });
    afterAll(async () => kit?.close());

    it("finds a lead created by the previous request, with the documented body", async () => {
      const id = await createLead({
        first_name: "John",
        last_name: "Doe",
        email: "john.doe@acme.test",
        company_name: "Acme Corp",
      });
      const response = await q("john doe");
      expect(response.statusCode).toBe(200);
      expect(response.json).toEqual({
        success: true,
        data: {
          results: [
            { type: "lead", id, title: "John Doe", subtitle: "Acme Corp", score: 1, url: `/crm/leads/${id}` },
          ],
          total: 1,
        },
      });
    });

    it("follows an update at once: the old name no longer finds the lead, the new one does", async () => {
      const id = await createLead({ first_name: "Marigold", last_name: "Quince", email: "mq@flowers.test" });
      expect((await q("marigold")).json.data.total).toBe(1);
      const updated = await call(kit, "PUT", `${leads}/${id}`, {
        key: kit.secretKey,
        body: { first_name: "Petunia" },
      });
      expect(updated.statusCode).toBe(200);
      expect((await q("marigold")).json.data).toEqual({ results: [], total: 0 });
      const found = await q("petunia quince");
      expect(found.json.data.results).toEqual([expect.objectContaining({ id, title: "Petunia Quince" })]);
      const deleted = await call(kit, "DELETE", `${leads}/${id}`, { key: kit.secretKey });
      expect(deleted.statusCode).toBe(200);
      expect((await q("petunia")).json.data).toEqual({ results: [], total: 0 });
    });

    it("matches every term as a prefix, in names, company, email and phone", async () => {
      const id = await createLead({
        first_name: "Jane",
        last_name: "Smithson",
        email: "jane.s@globex-industries.test",
        phone: "+1-555-0142",
        company_name: "Globex",
      });
      for (const text of ["jane smi", "SMITHS", "glob", "globex-ind", "555-01", "0142", "jane.s@globex"]) {
        const response = await q(text);
        expect(response.statusCode, text).toBe(200);
        expect(
          response.json.data.results.map((r: any) => r.id),
          text,
        ).toContain(id);
      }
      expect((await q("jane smx")).json.data.total).toBe(0);
    });

    it("ranks better matches higher, with scores in 0..1 and the best at 1", async () => {
      await createLead({ first_name: "Zebulon", last_name: "Ranker", email: "zr@rank.test" });
      await createLead({
        first_name: "Other",
        last_name: "Person",
        email: "p@rank.test",
        company_name: "Zebulon Ltd",
      });
      const response = await q("zebulon");
      const results = response.json.data.results;
      expect(results).toHaveLength(2);
      expect(results[0].title).toBe("Zebulon Ranker");
      expect(results[0].score).toBe(1);
      expect(results[1].score).toBeGreaterThan(0);
      expect(results[1].score).toBeLessThan(1);
    });

    it("honours limit and still reports the total", async () => {
      for (let i = 0; i < 3; i++)
        await createLead({ first_name: "Limitless", last_name: `N${i}`, phone: `+1 555 77${i}` });
      const response = await q("limitless", "&limit=2");
      expect(response.json.data.results).toHaveLength(2);
      expect(response.json.data.total).toBe(3);
    });

    it.each([
      '"a" OR *',
      "NEAR(a b)",
      "a AND NOT b",
      "col:value ^x",
      "'); drop table leads; --",
      "***",
      "\\",
      "a:* & !b | (c",
    ])("answers a hostile query %j without error", async (text) => {
      const response = await q(text);
      expect(response.statusCode).toBe(200);
      expect(response.json.success).toBe(true);
      expect(Array.isArray(response.json.data.results)).toBe(true);
    });

    it("treats query syntax words as plain words", async () => {
      const id = await createLead({ first_name: "Ornella", last_name: "Near", email: "on@syntax.test" });
      // OR is a word, not an operator: every term must match, and "qqq" matches nothing.
      const response = await q('"ornella" OR qqq*');
      expect(response.json.data.results).toEqual([]);
      const and = await q('"ornella" AND near');
      expect(and.json.data.results).toEqual([]);
      const near = await q("near ornella");
      expect(near.json.data.results.map((r: any) => r.id)).toEqual([id]);
    });

    it("filters by types and renders prospects, contacts and opportunities", async () => {
      await createLead({ first_name: "Typed", last_name: "Lead", email: "typed@types.test" });
      const prospect = await call(kit, "POST", `${VALETHON}/prospects`, {
        key: kit.secretKey,
        body: { name: "Typed Industries" },
      });
      expect(prospect.statusCode).toBe(201);
      const all = await q("typed");
      const types = all.json.data.results.map((r: any) => r.type).sort();
      expect(types).toEqual(["lead", "prospect"]);
      const prospectHit = all.json.data.results.find((r: any) => r.type === "prospect");
      expect(prospectHit.url).toBe(`/crm/prospects/${prospectHit.id}`);
      const onlyLeads = await q("typed", "&types=lead");
      expect(onlyLeads.json.data.results.map((r: any) => r.type)).toEqual(["lead"]);
      const onlyProspects = await q("typed", "&types=prospect,contact");
      expect(onlyProspects.json.data.results.map((r: any) => r.type)).toEqual(["prospect"]);
    });

    it.each([
      ["", "q"],
      ["q=", "q"],
      ["q=%20%20", "q"],
      ["q=x&types=lead,widget", "types"],
      ["q=x&limit=0", "limit"],
      ["q=x&limit=101", "limit"],
    ])("rejects %j naming %s", async (query, field) => {
      const response = await search(query);
      expect(response.statusCode).toBe(400);
      expect(response.json).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
      expect(response.json.error).toMatch(new RegExp(`^${field}\\b`));
    });

    it("never returns another workspace's records", async () => {
      await createLead(
        { first_name: "Isolde", last_name: "Elsewhere", email: "isolde@other.test" },
        kit.other.secretKey,
      );
      expect((await q("isolde")).json.data).toEqual({ results: [], total: 0 });
      const theirs = await search("q=isolde", kit.other.secretKey);
      expect(theirs.json.data.total).toBe(1);
    });

    it("returns only the types the key may read, and 403 for a key that may read none", async () => {
      await createLead({ first_name: "Permy", last_name: "Lead", email: "permy@perm.test" });
      await call(kit, "POST", `${VALETHON}/prospects`, {
        key: kit.secretKey,
        body: { name: "Permy Holdings" },
      });
      const prospectsOnly = await kit.newKey(kit.scope, { type: "secret", scopes: ["prospects:read"] });
      const response = await search("q=permy", prospectsOnly);
      expect(response.statusCode).toBe(200);
      expect(response.json.data.results.map((r: any) => r.type)).toEqual(["prospect"]);
      expect(response.json.data.total).toBe(1);
      const leadsOnly = await kit.newKey(kit.scope, { type: "secret", scopes: ["leads:read"] });
      expect((await search("q=permy&types=prospect", leadsOnly)).statusCode).toBe(403);
      const none = await kit.newKey(kit.scope, {
        type: "secret",
        scopes: ["activities:read", "leads:write"],
      });
      const forbidden = await search("q=permy", none);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json.code).toBe("FORBIDDEN");
      expect((await search("q=permy", null as unknown as string)).statusCode).toBe(401);
    });
  });
}
